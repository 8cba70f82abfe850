import { isTenderError } from '@tender/core';
import { deliverWebhook, type MarketDeps } from '@tender/market';
import { type QueuePayloads, queueNames } from '@tender/queue';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AggregatorLogger } from './startAggregator.ts';

/** A running webhook worker. */
export interface WebhookWorker {
  /** Stops taking deliveries, waits for those in flight, closes its connection. */
  close(): Promise<void>;
}

/**
 * A BullMQ worker on the `webhooks` queue: each `deliver-webhook` job is one attempt of market
 * `deliverWebhook` (POST with the HMAC header, 5 s timeout). A failed attempt throws, so BullMQ
 * retries it with the queue's exponential backoff; the queue's last attempt marks the delivery
 * `failed`. A delivery id that no longer exists is dropped.
 */
export async function startWebhookWorker(opts: {
  market: MarketDeps;
  connection: () => Redis;
  prefix: string;
  secret: string;
  concurrency: number;
  timeoutMs: number;
  logger: AggregatorLogger;
}): Promise<WebhookWorker> {
  const connection = opts.connection();
  const worker = new Worker(
    queueNames.webhooks,
    async (job: Job) => {
      const { deliveryId } = job.data as QueuePayloads['webhooks']['deliver-webhook'];
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      try {
        const outcome = await deliverWebhook(opts.market, deliveryId, {
          secret: opts.secret,
          timeoutMs: opts.timeoutMs,
          finalAttempt,
          allow: opts.market.config.webhookAllow ?? [],
        });
        if (outcome === 'gone') throw new UnrecoverableError(`webhook delivery ${deliveryId} does not exist`);
        return outcome;
      } catch (error) {
        if (isTenderError(error, 'TENDER_WEBHOOK_FAILED')) {
          opts.logger.warn('webhook attempt failed', {
            deliveryId,
            attempt: job.attemptsMade + 1,
            final: finalAttempt,
            error: error.message,
          });
        }
        throw error;
      }
    },
    { connection, prefix: opts.prefix, concurrency: opts.concurrency },
  );
  worker.on('error', (error) => opts.logger.error('webhook worker error', { error: error.message }));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
