import { isTenderError } from '@tender/core';
import {
  assignmentDeadline,
  closeAuction,
  type MarketDeps,
  openAuction,
  reconcileQueues,
} from '@tender/market';
import { type QueuePayloads, queueNames } from '@tender/queue';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

/** Where the scheduler writes what it does; `console` fits. */
export interface SchedulerLogger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** What {@link startScheduler} needs. */
export interface SchedulerDeps {
  /** The market services' dependencies (their `queues` must use the same Redis and `prefix`). */
  market: MarketDeps;
  /** Opens a new Redis connection for a worker (BullMQ workers block on their own); the scheduler closes the ones it opened. */
  connection: () => Redis;
  /** Prefix of the deployment's Redis keys (the queues' BullMQ prefix). */
  prefix: string;
  /** How often the reconciler runs, ms (default 10 000). It also runs once at start. */
  reconcileIntervalMs?: number;
  /** Queue jobs each worker runs at once (default 8). */
  concurrency?: number;
  logger?: SchedulerLogger;
}

/** A running scheduler. */
export interface Scheduler {
  /** Runs the reconciler now (also what the timer does). */
  reconcile(): Promise<{ enqueued: number }>;
  /** Stops the timer and the workers (waiting for running queue jobs); leaves given connections alone. */
  close(): Promise<void>;
}

const silent: SchedulerLogger = { info() {}, warn() {}, error() {} };

/**
 * Starts the scheduler: a BullMQ worker on the `auctions` queue
 * (`open-auction` → market `openAuction`, `close-auction` → `closeAuction`), one
 * on `deadlines` (`assignment-deadline` → `assignmentDeadline`), and the
 * reconciler (market `reconcileQueues`) at start and every 10 s. A queue job
 * that arrives before its time (a close before `closesAt`, a deadline check
 * before the deadline) is put back as delayed until then. A `TenderError` of
 * the 4xx kind (bad input, unknown ids: retrying cannot help) fails the queue
 * job at once (`UnrecoverableError`); anything else is retried with the
 * queue's backoff. Services are idempotent against Postgres, so a job run twice
 * does its work once.
 *
 * @example
 * const scheduler = await startScheduler({ market: deps, connection: () => createRedisConnection(url), prefix });
 * // …
 * await scheduler.close();
 */
export async function startScheduler(deps: SchedulerDeps): Promise<Scheduler> {
  const { market } = deps;
  const logger = deps.logger ?? silent;
  const concurrency = deps.concurrency ?? 8;
  const opened: Redis[] = [];
  const connect = () => {
    const connection = deps.connection();
    opened.push(connection);
    return connection;
  };

  const auctions = new Worker(
    queueNames.auctions,
    (job: Job, token?: string) =>
      guarded(job, async () => {
        if (job.name === 'open-auction') {
          const { jobId, round } = job.data as QueuePayloads['auctions']['open-auction'];
          return (await openAuction(market, jobId, round)).status;
        }
        if (job.name === 'close-auction') {
          const { auctionId } = job.data as QueuePayloads['auctions']['close-auction'];
          const closed = await closeAuction(market, auctionId);
          if (closed.status === 'not_due') await later(job, closed.closesAt ?? Date.now(), token);
          return closed.status;
        }
        throw new UnrecoverableError(`unknown job ${job.name}`);
      }),
    { connection: connect(), prefix: deps.prefix, concurrency },
  );
  const deadlines = new Worker(
    queueNames.deadlines,
    (job: Job, token?: string) =>
      guarded(job, async () => {
        if (job.name !== 'assignment-deadline') throw new UnrecoverableError(`unknown job ${job.name}`);
        const { assignmentId } = job.data as QueuePayloads['deadlines']['assignment-deadline'];
        const checked = await assignmentDeadline(market, assignmentId);
        if (checked.status === 'not_due') await later(job, checked.dueAt ?? Date.now(), token);
        return checked.status;
      }),
    { connection: connect(), prefix: deps.prefix, concurrency },
  );
  for (const worker of [auctions, deadlines]) {
    worker.on('failed', (job, error) => {
      logger.warn(`${worker.name} job failed`, {
        id: job?.id,
        name: job?.name,
        attempts: job?.attemptsMade,
        error: error.message,
      });
    });
    worker.on('error', (error) => logger.error(`${worker.name} worker error`, { error: error.message }));
  }

  let running: Promise<{ enqueued: number }> | undefined;
  const reconcile = () => {
    running ??= reconcileQueues(market).finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = () => {
    reconcile().catch((error: unknown) =>
      logger.error('reconcile failed', { error: error instanceof Error ? error.message : String(error) }),
    );
  };
  const timer = setInterval(tick, deps.reconcileIntervalMs ?? 10_000);
  timer.unref();
  try {
    await Promise.all([auctions.waitUntilReady(), deadlines.waitUntilReady()]);
    const { enqueued } = await reconcile();
    logger.info('scheduler started', { prefix: deps.prefix, reconciled: enqueued });
  } catch (error) {
    clearInterval(timer);
    await Promise.allSettled([auctions.close(), deadlines.close()]);
    await Promise.allSettled(opened.map((c) => c.quit()));
    throw error;
  }

  return {
    reconcile,
    async close() {
      clearInterval(timer);
      await running?.catch(() => {});
      await Promise.all([auctions.close(), deadlines.close()]);
      await Promise.allSettled(opened.map((c) => c.quit()));
    },
  };
}

/** Maps service errors to BullMQ's retry semantics (4xx TenderError: never retry). */
async function guarded<T>(job: Job, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DelayedError || error instanceof UnrecoverableError) throw error;
    if (isTenderError(error) && error.status < 500) {
      throw new UnrecoverableError(`${error.code}: ${error.message} (${job.name} ${job.id})`);
    }
    throw error;
  }
}

/** Puts the running job back, delayed until `atMs`, and tells BullMQ so. */
async function later(job: Job, atMs: number, token: string | undefined): Promise<never> {
  await job.moveToDelayed(Math.max(atMs, Date.now() + 1), token);
  throw new DelayedError();
}
