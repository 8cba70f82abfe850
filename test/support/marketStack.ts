import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Aggregator, startAggregator } from '@tender/aggregator';
import { type ApiContext, buildApp } from '@tender/api';
import { devAccounts } from '@tender/chain';
import type { MarketConfig } from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import { createRedisConnection } from '@tender/queue';
import { type Scheduler, startScheduler } from '@tender/scheduler';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** The whole market in this process, on real Postgres, Redis and anvil (as apps/stack/src/main.ts wires it). */
export interface MarketStack {
  h: MarketHarness;
  api: FastifyInstance;
  /** The api's base URL, `http://127.0.0.1:<port>`. */
  baseUrl: string;
  context: ApiContext;
  scheduler: Scheduler;
  aggregator: Aggregator;
  /** A temporary folder for artifacts and prover data; removed on close. */
  dataDir: string;
  /** Stops the apps, drops the database, cleans the Redis keys, stops anvil, removes the folder. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts api (listening on a free port), scheduler and aggregator over a fresh
 * {@link createMarketHarness} (own database, Redis prefix, anvil with the
 * contracts): the api's registrar is the dev deployer, the aggregator's
 * operator the dev operator.
 */
export async function startMarketStack(
  opts: { config?: Partial<MarketConfig>; chainIntervalMs?: number; log?: boolean } = {},
): Promise<MarketStack> {
  const logger = (app: string) => {
    const line =
      (level: string) =>
      (message: string, data?: Record<string, unknown>): void => {
        if (opts.log || level !== 'info')
          console.log(`[${app}] ${level} ${message} ${JSON.stringify(data ?? {})}`);
      };
    return { info: line('info'), warn: line('warn'), error: line('error') };
  };
  const h = await createMarketHarness(opts.config === undefined ? {} : { config: opts.config });
  const dataDir = await mkdtemp(join(tmpdir(), 'tender-e2e-'));
  const connections: Redis[] = [];
  const connection = () => {
    const c = createRedisConnection(REDIS_URL);
    connections.push(c);
    return c;
  };
  const wallet = (privateKey: `0x${string}`) =>
    createWalletClient({
      account: privateKeyToAccount(privateKey),
      chain: h.deps.publicClient.chain,
      transport: http(h.anvil.rpcUrl),
    });
  let api: FastifyInstance | undefined;
  let scheduler: Scheduler | undefined;
  let aggregator: Aggregator | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await aggregator?.close();
      await scheduler?.close();
      await api?.close();
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      await h.close();
      await rm(dataDir, { recursive: true, force: true });
    })();
    return closing;
  };
  try {
    const context: ApiContext = {
      market: h.deps,
      redis: h.redis,
      redisPrefix: h.redisPrefix,
      artifactsDir: join(dataDir, 'artifacts'),
      operator: wallet(devAccounts.deployer.privateKey),
      sessionSecret: 'tender-e2e-session-secret',
      publicUrl: 'http://127.0.0.1',
    };
    api = await buildApp({ checks: {}, context });
    const baseUrl = await api.listen({ port: 0, host: '127.0.0.1' });
    context.publicUrl = baseUrl;
    scheduler = await startScheduler({
      market: h.deps,
      connection,
      prefix: h.redisPrefix,
      logger: logger('scheduler'),
    });
    aggregator = await startAggregator({
      market: h.deps,
      connection,
      prefix: h.redisPrefix,
      operator: wallet(devAccounts.operator.privateKey),
      webhookSecret: 'tender-e2e-webhook-secret',
      artifactsDir: context.artifactsDir,
      logger: logger('aggregator'),
      ...(opts.chainIntervalMs === undefined ? {} : { chainIntervalMs: opts.chainIntervalMs }),
    });
    return { h, api, baseUrl, context, scheduler, aggregator, dataDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}
