import { join } from 'node:path';
import { chainFor } from '@tender/chain';
import { dataDir } from '@tender/config';
import { tryAcquireLease } from '@tender/db';
import { infraFromEnv, runMain, touchHeartbeatFile } from '@tender/infra';
import { defaultMarketConfig, type MarketDeps } from '@tender/market';
import { bullmqMarketQueues, createRedisConnection, redisMarketEvents } from '@tender/queue';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { loadAggregatorEnv } from './env.ts';

import { runWhileLeading } from './leadership.ts';
import { startAggregator } from './startAggregator.ts';

// The aggregator as its own process: `npm run start -w apps/aggregator`. Any number of replicas
// may run against one Postgres: only the holder of the `aggregator` lease (an advisory lock)
// batches, settles, indexes and slashes; the others wait and take over when it dies. With the
// embedded PGlite (one process only) there is nothing to race and the work starts at once.
runMain('aggregator', async () => {
  const env = loadAggregatorEnv();
  const infra = await infraFromEnv(env);
  const prefix = infra.redisPrefix;
  const log = (level: 'info' | 'warn' | 'error') => (message: string, data?: Record<string, unknown>) =>
    console[level](`[aggregator] ${message}${data === undefined ? '' : ` ${JSON.stringify(data)}`}`);
  const queues = bullmqMarketQueues(infra.redis, prefix);
  const market: MarketDeps = {
    prisma: infra.db.prisma,
    queues,
    events: redisMarketEvents(infra.redis, prefix),
    publicClient: infra.publicClient,
    deployment: infra.deployment,
    config: {
      ...defaultMarketConfig,
      batchSize: env.BATCH_SIZE,
      batchMaxAgeMs: env.BATCH_MAX_AGE_MS,
      webhookAllow: env.TENDER_WEBHOOK_ALLOW,
    },
    now: Date.now,
  };
  const operator = createWalletClient({
    account: privateKeyToAccount(env.OPERATOR_PRIVATE_KEY),
    chain: chainFor(infra.rpcUrl, infra.deployment.chainId),
    transport: http(infra.rpcUrl),
  });
  const logger = { info: log('info'), warn: log('warn'), error: log('error') };
  const start = () =>
    startAggregator({
      market,
      connection: () => createRedisConnection(infra.redisUrl),
      prefix,
      operator,
      webhookSecret: env.TENDER_WEBHOOK_SECRET,
      // Where the api stores circuit artifacts (relative verification-key paths resolve here).
      artifactsDir: join(dataDir(env.TENDER_DATA_DIR), 'artifacts'),
      gasPriceCeilingWei: BigInt(Math.round(env.MAX_GAS_PRICE_GWEI * 1e9)),
      txReplaceAfterMs: env.TX_REPLACE_AFTER_MS,
      settlementRetryMs: env.SETTLEMENT_RETRY_MS,
      batchIntervalMs: env.BATCH_INTERVAL_MS,
      chainIntervalMs: env.CHAIN_INTERVAL_MS,
      webhookConcurrency: env.WEBHOOK_CONCURRENCY,
      logger,
    });
  const databaseUrl = env.DATABASE_URL;
  const work =
    databaseUrl === undefined
      ? await start()
      : runWhileLeading({
          acquire: () => tryAcquireLease(databaseUrl, `aggregator:${infra.deployment.addresses.market}`),
          lead: start,
          retryMs: env.AGGREGATOR_LEASE_RETRY_MS,
          logger,
        });
  const stopHeartbeat = touchHeartbeatFile(env.TENDER_HEARTBEAT_FILE);
  return {
    async close() {
      stopHeartbeat();
      await work.close();
      await queues.close();
      await infra.close();
    },
  };
});
