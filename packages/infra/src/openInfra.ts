import type { TenderDeployment } from '@tender/chain';
import { chainFor } from '@tender/chain';
import { TenderError } from '@tender/core';
import { createDb, type TenderDb } from '@tender/db';
import { createRedisConnection, pingRedis } from '@tender/queue';
import type { Redis } from 'ioredis';
import { type Chain, createPublicClient, http, type PublicClient, type Transport } from 'viem';

/** Where an app's infrastructure is. */
export interface InfraConfig {
  /** Postgres URL; absent means the embedded PGlite in `pgliteDir`. */
  databaseUrl?: string | undefined;
  pgliteDir?: string | undefined;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  redisUrl: string;
  /** Prefix of every Redis key (queues, pub/sub); tests use a unique one. Default `tender`. */
  redisPrefix?: string;
  rpcUrl: string;
  deployment: TenderDeployment;
}

/** A probe for `GET /health`: resolves (optionally with a detail string) when the dependency answers. */
export type DependencyCheck = () => Promise<string | undefined>;

/** The infrastructure an app runs on, opened once and shared by the apps of one process. */
export interface Infra {
  db: TenderDb;
  /** A shared Redis connection for commands (BullMQ workers open their own blocking connections). */
  redis: Redis;
  redisUrl: string;
  redisPrefix: string;
  publicClient: PublicClient<Transport, Chain>;
  rpcUrl: string;
  deployment: TenderDeployment;
  /** Probes for database, redis, chain and contracts. */
  checks: Record<'database' | 'redis' | 'chain' | 'contracts', DependencyCheck>;
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it), Redis and the chain client, checks that
 * each answers, and returns them with health probes. Fails with a
 * TENDER_DEPENDENCY_UNAVAILABLE error naming the dependency that does not answer.
 */
export async function openInfra(config: InfraConfig): Promise<Infra> {
  try {
    await pingRedis(config.redisUrl);
  } catch (error) {
    throw new TenderError(
      'TENDER_DEPENDENCY_UNAVAILABLE',
      `REDIS_URL: Redis does not answer (${(error as Error).message})`,
      {
        details: { variable: 'REDIS_URL' },
        cause: error,
      },
    );
  }
  const publicClient = createPublicClient({
    chain: chainFor(config.rpcUrl, config.deployment.chainId),
    transport: http(config.rpcUrl, { retryCount: 1, timeout: 5_000 }),
  });
  let chainId: number;
  try {
    chainId = await publicClient.getChainId();
  } catch (error) {
    throw new TenderError(
      'TENDER_DEPENDENCY_UNAVAILABLE',
      `RPC_URL: the chain does not answer at ${config.rpcUrl}`,
      {
        details: { variable: 'RPC_URL' },
        cause: error,
      },
    );
  }
  if (chainId !== config.deployment.chainId) {
    throw new TenderError(
      'TENDER_CONFIG_INVALID',
      `RPC_URL: chain id ${chainId} does not match the deployment's chain id ${config.deployment.chainId}`,
      { details: { variable: 'RPC_URL' } },
    );
  }
  const db = await createDb({
    ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
    ...(config.pgliteDir === undefined ? {} : { pgliteDir: config.pgliteDir }),
    migrate: config.migrate ?? true,
  });
  const redis = createRedisConnection(config.redisUrl);
  const { addresses } = config.deployment;
  const checks: Infra['checks'] = {
    database: async () => {
      await db.prisma.$queryRaw`SELECT 1`;
      return db.kind;
    },
    redis: async () => {
      await redis.ping();
      return undefined;
    },
    chain: async () => `block ${await publicClient.getBlockNumber()}`,
    contracts: async () => {
      const entries = Object.entries(addresses) as [string, `0x${string}`][];
      const codes = await Promise.all(entries.map(([, address]) => publicClient.getCode({ address })));
      const missing = entries.filter((_, i) => !codes[i] || codes[i] === '0x').map(([name]) => name);
      if (missing.length > 0) throw new Error(`no code at ${missing.join(', ')}`);
      return entries.map(([name, address]) => `${name} ${address}`).join(', ');
    },
  };
  return {
    db,
    redis,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix ?? 'tender',
    publicClient,
    rpcUrl: config.rpcUrl,
    deployment: config.deployment,
    checks,
    async close() {
      redis.disconnect();
      await db.close();
    },
  };
}
