import { OperatorSender } from '@tender/chain';
import {
  type Batcher,
  createBatcher,
  type IndexerOptions,
  indexChainEvents,
  type MarketDeps,
  requeuePendingWebhooks,
  runSlasher,
  type SlasherContext,
  syncStakeLocks,
} from '@tender/market';
import type { Redis } from 'ioredis';
import type { Account, Chain, Transport, WalletClient } from 'viem';
import { periodic } from './periodic.ts';
import { startWebhookWorker } from './webhookWorker.ts';

/** Where the aggregator writes what it does; `console` fits. */
export interface AggregatorLogger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** What {@link startAggregator} needs. Intervals in ms. */
export interface AggregatorDeps {
  /** The market services' dependencies; `market.config.batchSize` / `batchMaxAgeMs` shape batches. */
  market: MarketDeps;
  /** Opens a new Redis connection for the webhook worker (BullMQ blocks on its own); closed on `close()`. */
  connection: () => Redis;
  /** Prefix of the deployment's Redis keys (the queues' BullMQ prefix). */
  prefix: string;
  /** A market operator's wallet with a local (private-key) account: signs settlements and slashes. */
  operator: WalletClient<Transport, Chain, Account>;
  /** HMAC key of the webhook signature header. */
  webhookSecret: string;
  /** Folder that relative circuit artifact paths are resolved against. */
  artifactsDir?: string;
  /** Hold settlements while gas is above this (wei, default 100 gwei). */
  gasPriceCeilingWei?: bigint;
  /** Replace a transaction not mined after this long (default 30 000). */
  txReplaceAfterMs?: number;
  /** Retry hold of a job whose one-job batch reverted (default 300 000). */
  settlementRetryMs?: number;
  /** Batcher period (default 1 000). */
  batchIntervalMs?: number;
  /** Indexer and slasher period (default 2 000). */
  chainIntervalMs?: number;
  /** Re-queue pending webhook deliveries this often (default 30 000; also once at start). */
  webhookRequeueIntervalMs?: number;
  /** Webhook deliveries in flight at once (default 4). */
  webhookConcurrency?: number;
  /** Per-request webhook timeout (default 5 000). */
  webhookTimeoutMs?: number;
  /** Indexer options, or false to run no indexer in this process. */
  indexer?: IndexerOptions | false;
  logger?: AggregatorLogger;
}

/** A running aggregator. */
export interface Aggregator {
  readonly batcher: Batcher;
  readonly sender: OperatorSender;
  /** Runs each loop once more now (batcher, slasher, indexer), in that order; for tests and tools. */
  runOnce(): Promise<void>;
  /** Stops the loops and the webhook worker, waiting for work in progress; leaves given deps alone. */
  close(): Promise<void>;
}

const silent: AggregatorLogger = { info() {}, warn() {}, error() {} };

/**
 * Starts the aggregator in this process: the batcher (every second: resume open batches, decide
 * with core `decideBatch`, claim, verify off-chain, settle on-chain, bisect on revert), the
 * slasher and the contract-event indexer (every 2 s), a BullMQ worker on the `webhooks` queue,
 * and a re-queue of pending webhook deliveries (at start and every 30 s). Batcher and slasher
 * share one {@link OperatorSender} — one nonce manager for every transaction of the process.
 *
 * @example
 * const aggregator = await startAggregator({ market, connection: () => createRedisConnection(url), prefix,
 *   operator: walletClient, webhookSecret });
 * // …
 * await aggregator.close();
 */
export async function startAggregator(deps: AggregatorDeps): Promise<Aggregator> {
  const { market } = deps;
  const logger = deps.logger ?? silent;
  const sender = new OperatorSender(
    { publicClient: market.publicClient, walletClient: deps.operator },
    { replaceAfterMs: deps.txReplaceAfterMs ?? 30_000 },
  );
  const batcher = createBatcher(market, {
    sender,
    ...(deps.artifactsDir === undefined ? {} : { artifactsDir: deps.artifactsDir }),
    ...(deps.gasPriceCeilingWei === undefined ? {} : { gasPriceCeilingWei: deps.gasPriceCeilingWei }),
    ...(deps.settlementRetryMs === undefined ? {} : { settlementRetryMs: deps.settlementRetryMs }),
    log: (message, data) => logger.info(message, data),
  });
  const slasher: SlasherContext = {
    sender,
    vkeys: batcher.context.vkeys,
    domain: batcher.context.domain,
    log: (message, data) => logger.warn(message, data),
  };
  const failed = (loop: string) => (error: unknown) =>
    logger.error(`${loop} failed`, { error: (error as Error)?.message ?? String(error) });

  const webhooks = await startWebhookWorker({
    market,
    connection: deps.connection,
    prefix: deps.prefix,
    secret: deps.webhookSecret,
    concurrency: deps.webhookConcurrency ?? 4,
    timeoutMs: deps.webhookTimeoutMs ?? 5_000,
    logger,
  });

  const batching = periodic(
    async () => {
      const tick = await batcher.tick();
      for (const o of [...tick.resumed, ...tick.settled]) {
        if (o.status === 'confirmed') {
          logger.info('batch confirmed', {
            batchId: o.batchId,
            chainBatchId: o.confirmed.chainBatchId.toString(),
            jobs: o.confirmed.jobIds.length,
            txHash: o.confirmed.txHash,
            gasUsed: o.confirmed.gasUsed.toString(),
          });
        } else if (o.status !== 'waiting') {
          logger.warn(`batch ${o.status}`, { batchId: o.batchId, error: o.error });
        }
      }
    },
    deps.batchIntervalMs ?? 1_000,
    failed('batcher'),
  );
  const slashing = periodic(
    async () => {
      const pass = await runSlasher(market, slasher);
      if (pass.confirmed.length + pass.failed.length > 0) logger.info('slasher pass', { ...pass });
    },
    deps.chainIntervalMs ?? 2_000,
    failed('slasher'),
  );
  // Stake backing open assignments is locked on-chain (one setStakeLocks tx for every change).
  const locking = periodic(
    async () => {
      const changed = await syncStakeLocks(market, sender);
      if (changed > 0) logger.info('stake locks set', { provers: changed });
    },
    deps.chainIntervalMs ?? 2_000,
    failed('stake locks'),
  );
  const indexing =
    deps.indexer === false
      ? null
      : periodic(
          () => indexChainEvents(market, deps.indexer || {}),
          deps.chainIntervalMs ?? 2_000,
          failed('indexer'),
        );
  const requeue = periodic(
    () => requeuePendingWebhooks(market),
    deps.webhookRequeueIntervalMs ?? 30_000,
    failed('webhook requeue'),
  );
  logger.info('aggregator started', {
    operator: sender.address,
    batchSize: batcher.policy.maxBatchSize,
    batchMaxAgeMs: batcher.policy.maxAgeMs,
  });

  let closing: Promise<void> | undefined;
  return {
    batcher,
    sender,
    async runOnce() {
      await batching.runNow();
      await slashing.runNow();
      await locking.runNow();
      await indexing?.runNow();
    },
    close() {
      closing ??= (async () => {
        await Promise.all([
          batching.stop(),
          slashing.stop(),
          locking.stop(),
          indexing?.stop(),
          requeue.stop(),
        ]);
        await webhooks.close();
      })();
      return closing;
    },
  };
}
