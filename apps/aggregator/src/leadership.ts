import type { HeldLease } from '@tender/db';
import type { AggregatorLogger } from './startAggregator.ts';

/** Work that only the lease holder runs (the aggregator's loops). */
export interface LeaderWork {
  close(): Promise<void>;
}

/** What {@link runWhileLeading} needs. */
export interface LeadershipOptions {
  /** Tries once to take the lease; null when another replica holds it. */
  acquire: () => Promise<HeldLease | null>;
  /** Starts the guarded work once the lease is held; its `close` runs when the lease is lost. */
  lead: () => Promise<LeaderWork>;
  /** How long a replica without the lease waits before trying again, ms (default 1 000). */
  retryMs?: number;
  logger: AggregatorLogger;
}

/** A replica taking part in the leadership race. */
export interface Leadership {
  /** True while this replica holds the lease and its work runs. */
  readonly leading: boolean;
  /** How many times this replica has taken the lease. */
  readonly terms: number;
  /** Stops the work (if leading), releases the lease and stops trying. Idempotent. */
  close(): Promise<void>;
}

const sleep = (ms: number, stop: Promise<void>) =>
  Promise.race([new Promise<void>((resolve) => setTimeout(resolve, ms).unref()), stop]);

/**
 * Runs `lead()` only while this replica holds the lease: tries `acquire()` every
 * `retryMs`; once held, starts the work, and when the lease is lost (its
 * connection ended or stopped answering: the database restarted, the network
 * broke) stops the work and races again. Any number of replicas may call this;
 * at most one runs the work at a time (the advisory lock), and a replica killed
 * with `kill -9` frees the lease as soon as Postgres sees its connection close,
 * so a waiting replica takes over within about `retryMs`. The new holder's work
 * starts from Postgres (open batches resumed by the batcher), so nothing is sent
 * twice; the chain's single-use request nonces refuse a second settlement of a job
 * even if a deposed holder's last transaction is still on its way.
 */
export function runWhileLeading(options: LeadershipOptions): Leadership {
  const { logger } = options;
  const retryMs = options.retryMs ?? 1_000;
  let stopped = false;
  let stop: () => void = () => {};
  const stopping = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let leading = false;
  let terms = 0;

  const race = async () => {
    while (!stopped) {
      let lease: HeldLease | null = null;
      try {
        lease = await options.acquire();
      } catch (error) {
        logger.warn('lease attempt failed', { error: (error as Error).message });
      }
      if (!lease) {
        await sleep(retryMs, stopping);
        continue;
      }
      if (stopped) {
        await lease.release();
        break;
      }
      terms += 1;
      logger.info('lease acquired: this replica leads', { term: terms });
      let work: LeaderWork | undefined;
      try {
        work = await options.lead();
        leading = true;
        const why = await Promise.race([lease.lost, stopping.then(() => 'stopping')]);
        if (why !== 'stopping') logger.warn('lease lost: stopping the work', { reason: why });
      } catch (error) {
        logger.error('leading failed', { error: (error as Error).message });
      } finally {
        leading = false;
        await work?.close().catch((error: unknown) => {
          logger.error('stopping the work failed', { error: (error as Error).message });
        });
        await lease.release();
      }
      if (!stopped) await sleep(retryMs, stopping);
    }
  };
  const done = race();

  return {
    get leading() {
      return leading;
    },
    get terms() {
      return terms;
    },
    async close() {
      stopped = true;
      stop();
      await done;
    },
  };
}
