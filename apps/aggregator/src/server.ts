import { chainFor } from '@tender/chain';
import { infraFromEnv, runMain, touchHeartbeatFile } from '@tender/infra';
import { bullmqMarketQueues, defaultMarketConfig, type MarketDeps, redisMarketEvents } from '@tender/market';
import { createRedisConnection } from '@tender/queue';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { loadAggregatorEnv } from './env.ts';

import { startAggregator } from './startAggregator.ts';

// The aggregator as its own process: `npm run start -w apps/aggregator`.
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
  const aggregator = await startAggregator({
    market,
    connection: () => createRedisConnection(infra.redisUrl),
    prefix,
    operator,
    webhookSecret: env.TENDER_WEBHOOK_SECRET,
    gasPriceCeilingWei: BigInt(Math.round(env.MAX_GAS_PRICE_GWEI * 1e9)),
    txReplaceAfterMs: env.TX_REPLACE_AFTER_MS,
    settlementRetryMs: env.SETTLEMENT_RETRY_MS,
    batchIntervalMs: env.BATCH_INTERVAL_MS,
    chainIntervalMs: env.CHAIN_INTERVAL_MS,
    webhookConcurrency: env.WEBHOOK_CONCURRENCY,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
  });
  const stopHeartbeat = touchHeartbeatFile(env.TENDER_HEARTBEAT_FILE);
  return {
    async close() {
      stopHeartbeat();
      await aggregator.close();
      await queues.close();
      await infra.close();
    },
  };
});
