import { randomUUID } from 'node:crypto';
import {
  type AnvilInstance,
  chainFor,
  deployTender,
  devAccounts,
  startAnvil,
  type TenderDeployment,
} from '@tender/chain';
import { createTestDatabase, type TestDatabase } from '@tender/db/testing';
import {
  type BullmqMarketQueues,
  bullmqMarketQueues,
  createRedisConnection,
  redisMarketEvents,
} from '@tender/queue';
import type { Redis } from 'ioredis';
import { createPublicClient, http } from 'viem';
import { defaultMarketConfig, type MarketConfig } from '../deps/marketConfig.ts';
import type { MarketDeps } from '../deps/marketDeps.ts';
import type { MarketEvents } from '../deps/marketEvents.ts';

/** A real market for one test file: its own Postgres database, Redis prefix and anvil with the contracts. */
export interface MarketHarness {
  deps: MarketDeps;
  db: TestDatabase;
  anvil: AnvilInstance;
  deployment: TenderDeployment;
  redis: Redis;
  redisPrefix: string;
  queues: BullmqMarketQueues;
  events: MarketEvents;
  /** Drops the database, obliterates the queues, stops anvil. */
  close(): Promise<void>;
}

/**
 * Starts a real market for a test file (no mocks): a fresh Postgres database,
 * a unique Redis prefix, a fresh anvil with Tender deployed (operators: dev
 * deployer and operator; treasury: dev treasury).
 *
 * @example
 * let h: MarketHarness;
 * beforeAll(async () => { h = await createMarketHarness(); });
 * afterAll(() => h.close());
 */
export async function createMarketHarness(
  opts: { config?: Partial<MarketConfig>; now?: () => number } = {},
): Promise<MarketHarness> {
  const [db, anvil] = await Promise.all([createTestDatabase(), startAnvil()]);
  try {
    const deployment = await deployTender({
      rpcUrl: anvil.rpcUrl,
      deployerKey: devAccounts.deployer.privateKey,
      params: {
        operators: [devAccounts.deployer.address, devAccounts.operator.address],
        treasury: devAccounts.treasury.address,
      },
    });
    const redis = createRedisConnection('redis://127.0.0.1:6379');
    const redisPrefix = `test-${randomUUID()}`;
    const queues = bullmqMarketQueues(redis, redisPrefix);
    const events = redisMarketEvents(redis, redisPrefix);
    const publicClient = createPublicClient({
      chain: chainFor(anvil.rpcUrl, deployment.chainId),
      transport: http(anvil.rpcUrl),
    });
    const deps: MarketDeps = {
      prisma: db.prisma,
      queues,
      events,
      publicClient,
      deployment,
      config: { ...defaultMarketConfig, ...opts.config },
      now: opts.now ?? Date.now,
    };
    return {
      deps,
      db,
      anvil,
      deployment,
      redis,
      redisPrefix,
      queues,
      events,
      async close() {
        for (const queue of Object.values(queues.queues))
          await queue.obliterate({ force: true }).catch(() => {});
        await queues.close();
        const leftovers = await redis.keys(`${redisPrefix}:*`);
        if (leftovers.length > 0) await redis.del(...leftovers);
        await redis.quit();
        await db.drop();
        await anvil.stop();
      },
    };
  } catch (error) {
    await db.drop();
    await anvil.stop();
    throw error;
  }
}
