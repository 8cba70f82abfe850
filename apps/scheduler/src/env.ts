import { infraEnv, parseEnv, positiveInt } from '@tender/config';
import { z } from 'zod';

/** The scheduler's environment. Nothing else in the scheduler reads process.env. */
export const schedulerEnvSchema = infraEnv.extend({
  /** How long an auction round takes bids, ms. */
  AUCTION_WINDOW_MS: positiveInt(1_000),
  /** A prover whose last heartbeat is older than this is not invited, ms. */
  HEARTBEAT_TTL_MS: positiveInt(15_000),
  /** Most failed awards (missed deadline, invalid proof, given back) before a job expires; empty rounds don't count. */
  MAX_AUCTION_ROUNDS: positiveInt(20),
  /** How often the reconciler rebuilds queue jobs from Postgres, ms. */
  RECONCILE_INTERVAL_MS: positiveInt(10_000),
  /** Queue jobs each worker (auctions, deadlines) runs at once. */
  SCHEDULER_CONCURRENCY: positiveInt(8),
  /** File touched every 10 s while the scheduler runs (the container health check reads its age). */
  TENDER_HEARTBEAT_FILE: z.string().min(1).default('/tmp/tender-heartbeat'),
});

/** The parsed scheduler environment. */
export type SchedulerEnv = z.infer<typeof schedulerEnvSchema>;

/** Parses the scheduler's environment, failing with one readable line naming the variable. */
export function loadSchedulerEnv(env: Record<string, string | undefined> = process.env): SchedulerEnv {
  return parseEnv(schedulerEnvSchema, env);
}
