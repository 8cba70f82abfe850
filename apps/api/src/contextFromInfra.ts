import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Infra } from '@tender/infra';
import {
  bullmqMarketQueues,
  defaultMarketConfig,
  type MarketConfig,
  redisMarketEvents,
} from '@tender/market';
import { createWalletClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { ApiContext } from './context.ts';

/** What {@link apiContextFromInfra} needs beyond the opened infrastructure. */
export interface ApiContextOptions {
  dataDir: string;
  /** Key for the api's own on-chain writes (circuit registration). */
  registrarKey: Hex;
  /** Secret for prover session tokens; generated once into the data folder when absent (dev). */
  sessionSecret?: string | undefined;
  publicUrl: string;
  operatorToken?: string | undefined;
  /** Ceremony ptau for built-in circuit setups (`TENDER_PTAU_FILE` + `TENDER_PTAU_SHA256`); unset = development files. */
  ptau?: { path: string; sha256: string } | undefined;
  config?: Partial<MarketConfig>;
  onEventError?: (error: unknown) => void;
}

/**
 * Builds the api's {@link ApiContext} over opened infrastructure: BullMQ
 * queues and Redis pub/sub under the infra's prefix, the registrar wallet, the
 * session secret. `close()` closes what it opened (not the infra).
 */
export async function apiContextFromInfra(
  infra: Infra,
  options: ApiContextOptions,
): Promise<{ context: ApiContext; close(): Promise<void> }> {
  const queues = bullmqMarketQueues(infra.redis, infra.redisPrefix);
  const events = redisMarketEvents(infra.redis, infra.redisPrefix, options.onEventError);
  const operator = createWalletClient({
    account: privateKeyToAccount(options.registrarKey),
    chain: infra.publicClient.chain,
    transport: http(infra.rpcUrl),
  });
  const context: ApiContext = {
    market: {
      prisma: infra.db.prisma,
      queues,
      events,
      publicClient: infra.publicClient,
      deployment: infra.deployment,
      config: { ...defaultMarketConfig, ...options.config },
      now: Date.now,
    },
    redis: infra.redis,
    redisPrefix: infra.redisPrefix,
    artifactsDir: join(options.dataDir, 'artifacts'),
    operator,
    sessionSecret: options.sessionSecret ?? (await devSessionSecret(options.dataDir)),
    publicUrl: options.publicUrl,
    ...(options.operatorToken === undefined ? {} : { operatorToken: options.operatorToken }),
    ...(options.ptau === undefined ? {} : { ptau: options.ptau }),
  };
  return { context, close: () => queues.close() };
}

/** A session secret kept in the data folder, so that tokens survive restarts of a local stack. */
async function devSessionSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'session-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('hex');
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}
