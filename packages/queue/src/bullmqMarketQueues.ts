import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { queueJobId, queueNames } from './queueNames.ts';

/**
 * The port the market services enqueue follow-up work through (`@tender/market`'s
 * `MarketDeps.queues`). Every id is derived from a domain id.
 */
export interface MarketQueues {
  /** Opens round `round` of the job's auction after `delayMs` (id `open-auction.<jobId>.<round>`). */
  openAuction(jobId: string, round: number, delayMs?: number): Promise<void>;
  /**
   * Runs the delayed `open-auction.<jobId>.<round>` now. True when it was
   * waiting out a delay and is now due; false when there is no such job or it
   * is not delayed (already due, running or done).
   */
  wakeOpenAuction(jobId: string, round: number): Promise<boolean>;
  /** Closes the auction at `atMs` (id `close-auction.<auctionId>`). */
  closeAuction(auctionId: string, atMs: number): Promise<void>;
  /** Checks the assignment at its deadline `atMs` (id `assignment-deadline.<assignmentId>`). */
  assignmentDeadline(assignmentId: string, atMs: number): Promise<void>;
  /** Delivers a webhook (id `deliver-webhook.<deliveryId>`). */
  deliverWebhook(deliveryId: string, delayMs?: number): Promise<void>;
}

/** BullMQ-backed {@link MarketQueues}, plus `close()` for its queues. */
export interface BullmqMarketQueues extends MarketQueues {
  readonly queues: { auctions: Queue; deadlines: Queue; webhooks: Queue };
  close(): Promise<void>;
}

const common: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  // Completed ids are kept a while so that a duplicate add is a no-op; processors
  // are idempotent against Postgres anyway.
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 24 * 3600 },
};

/**
 * BullMQ queues over `connection` (not closed by `close()`: the caller owns it)
 * with key prefix `prefix` (tests use a unique one).
 */
export function bullmqMarketQueues(connection: Redis, prefix: string): BullmqMarketQueues {
  const make = (name: string) => new Queue(name, { connection, prefix });
  const queues = {
    auctions: make(queueNames.auctions),
    deadlines: make(queueNames.deadlines),
    webhooks: make(queueNames.webhooks),
  };
  const delayUntil = (atMs: number) => Math.max(0, atMs - Date.now());
  return {
    queues,
    async openAuction(jobId, round, delayMs = 0) {
      await queues.auctions.add(
        'open-auction',
        { jobId, round },
        { ...common, jobId: queueJobId('open-auction', jobId, round), delay: delayMs },
      );
    },
    async wakeOpenAuction(jobId, round) {
      const job = await queues.auctions.getJob(queueJobId('open-auction', jobId, round));
      if (job === undefined || !(await job.isDelayed())) return false;
      try {
        await job.promote();
        return true;
      } catch (error) {
        // Another caller (or the delay itself) made it due meanwhile.
        if (await job.isDelayed()) throw error;
        return false;
      }
    },
    async closeAuction(auctionId, atMs) {
      await queues.auctions.add(
        'close-auction',
        { auctionId },
        { ...common, jobId: queueJobId('close-auction', auctionId), delay: delayUntil(atMs) },
      );
    },
    async assignmentDeadline(assignmentId, atMs) {
      await queues.deadlines.add(
        'assignment-deadline',
        { assignmentId },
        { ...common, jobId: queueJobId('assignment-deadline', assignmentId), delay: delayUntil(atMs) },
      );
    },
    async deliverWebhook(deliveryId, delayMs = 0) {
      await queues.webhooks.add(
        'deliver-webhook',
        { deliveryId },
        { ...common, attempts: 8, jobId: queueJobId('deliver-webhook', deliveryId), delay: delayMs },
      );
    },
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
