import { infraFromEnv, runMain, touchHeartbeatFile } from '@tender/infra';
import { defaultMarketConfig, type MarketDeps } from '@tender/market';
import { bullmqMarketQueues, createRedisConnection, redisMarketEvents } from '@tender/queue';
import { loadSchedulerEnv } from './env.ts';

import { startScheduler } from './startScheduler.ts';

// The scheduler as its own process: `npm run start -w apps/scheduler`.
runMain('scheduler', async () => {
  const env = loadSchedulerEnv();
  const infra = await infraFromEnv(env);
  const prefix = infra.redisPrefix;
  const log = (level: 'info' | 'warn' | 'error') => (message: string, data?: Record<string, unknown>) =>
    console[level](`[scheduler] ${message}${data === undefined ? '' : ` ${JSON.stringify(data)}`}`);
  const queues = bullmqMarketQueues(infra.redis, prefix);
  const market: MarketDeps = {
    prisma: infra.db.prisma,
    queues,
    events: redisMarketEvents(infra.redis, prefix),
    publicClient: infra.publicClient,
    deployment: infra.deployment,
    config: {
      ...defaultMarketConfig,
      auctionWindowMs: env.AUCTION_WINDOW_MS,
      heartbeatTtlMs: env.HEARTBEAT_TTL_MS,
      maxRounds: env.MAX_AUCTION_ROUNDS,
    },
    now: Date.now,
  };
  const scheduler = await startScheduler({
    market,
    connection: () => createRedisConnection(infra.redisUrl),
    prefix,
    reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
    concurrency: env.SCHEDULER_CONCURRENCY,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
  });
  const stopHeartbeat = touchHeartbeatFile(env.TENDER_HEARTBEAT_FILE);
  return {
    async close() {
      stopHeartbeat();
      await scheduler.close();
      await queues.close();
      await infra.close();
    },
  };
});
