import { TenderError } from './TenderError.ts';

/** Timing rules for jobs, auctions and assignments (all ms). */
export interface DeadlinePolicy {
  /** A job's deadline must be at least this far ahead when it is submitted. */
  readonly minJobWindowMs: number;
  /** …and at most this far. */
  readonly maxJobWindowMs: number;
  /** The deadline given when the requester names none. */
  readonly defaultJobWindowMs: number;
  /** How long an auction round takes bids. */
  readonly auctionWindowMs: number;
  /** An assignment gets the promised eta times this, in bps (15 000 = 1.5×), capped by the job's deadline. */
  readonly assignmentSlackBps: number;
  /** Wait before re-opening after the first empty round; doubles each further empty round. */
  readonly reauctionBaseDelayMs: number;
  /** The wait never grows beyond this. */
  readonly reauctionMaxDelayMs: number;
  /** A round is only worth opening if at least this much proving time would remain after it closes. */
  readonly minProvingWindowMs: number;
}

/**
 * Working local defaults: deadlines 10 s – 7 days ahead (10 min when not
 * given), 2 s auction rounds, assignments get 1.5× the promised eta, empty
 * rounds re-open after 1 s, 2 s, 4 s … up to 60 s.
 */
export const defaultDeadlinePolicy: DeadlinePolicy = {
  minJobWindowMs: 10_000,
  maxJobWindowMs: 7 * 24 * 3_600_000,
  defaultJobWindowMs: 10 * 60_000,
  auctionWindowMs: 2_000,
  assignmentSlackBps: 15_000,
  reauctionBaseDelayMs: 1_000,
  reauctionMaxDelayMs: 60_000,
  minProvingWindowMs: 1_000,
};

/**
 * The deadline of a job submitted at `now`: the requested one when it lies
 * between `now + minJobWindowMs` and `now + maxJobWindowMs`, or
 * `now + defaultJobWindowMs` when none was requested.
 *
 * @throws TenderError `TENDER_DEADLINE_INVALID` (400) when the requested deadline is too soon or too far.
 */
export function jobDeadline(
  now: number,
  requestedDeadlineAt: number | undefined,
  policy: DeadlinePolicy = defaultDeadlinePolicy,
): number {
  if (requestedDeadlineAt === undefined) return now + policy.defaultJobWindowMs;
  const earliest = now + policy.minJobWindowMs;
  const latest = now + policy.maxJobWindowMs;
  if (!(requestedDeadlineAt >= earliest && requestedDeadlineAt <= latest)) {
    throw new TenderError(
      'TENDER_DEADLINE_INVALID',
      `deadline must be between ${policy.minJobWindowMs} ms and ${policy.maxJobWindowMs} ms from now`,
      { details: { requestedDeadlineAt, earliest, latest } },
    );
  }
  return requestedDeadlineAt;
}

/** True once the job's own deadline has passed (`now ≥ deadline`). */
export function isJobExpired(jobDeadlineAt: number, now: number): boolean {
  return now >= jobDeadlineAt;
}

/**
 * The deadline of an assignment awarded at `now` to a bid promising `etaMs`:
 * `min(jobDeadlineAt, now + ceil(etaMs × assignmentSlackBps / 10 000))`.
 *
 * @example
 * assignmentDeadline({ now: 0, etaMs: 10_000, jobDeadlineAt: 60_000 }); // 15_000
 */
export function assignmentDeadline(
  input: { now: number; etaMs: number; jobDeadlineAt: number },
  policy: DeadlinePolicy = defaultDeadlinePolicy,
): number {
  const slacked = input.now + Math.ceil((input.etaMs * policy.assignmentSlackBps) / 10_000);
  return Math.min(input.jobDeadlineAt, slacked);
}

/** When an auction round opened at `openedAt` closes: `min(openedAt + auctionWindowMs, jobDeadlineAt)`. */
export function auctionClosesAt(
  openedAt: number,
  jobDeadlineAt: number,
  policy: DeadlinePolicy = defaultDeadlinePolicy,
): number {
  return Math.min(openedAt + policy.auctionWindowMs, jobDeadlineAt);
}

/**
 * The wait after empty round `round` (1 = the first round) before the next
 * opens: `min(reauctionMaxDelayMs, reauctionBaseDelayMs × 2^(round − 1))`.
 */
export function reauctionDelayMs(round: number, policy: DeadlinePolicy = defaultDeadlinePolicy): number {
  if (!Number.isSafeInteger(round) || round < 1) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'round must be a whole number ≥ 1', {
      details: { round },
    });
  }
  const exponent = Math.min(round - 1, 52); // 2^52 × base is past any cap
  return Math.min(policy.reauctionMaxDelayMs, policy.reauctionBaseDelayMs * 2 ** exponent);
}

/** What to do after round `round` of a job's auction closed without a winner. */
export type NextAuctionRound =
  | { readonly action: 'reopen'; readonly round: number; readonly opensAt: number }
  | { readonly action: 'expire' };

/**
 * Re-auction with exponential backoff until the job's deadline, then expire.
 * The last useful moment to open a round is
 * `jobDeadlineAt − auctionWindowMs − minProvingWindowMs`; the backoff wait is
 * cut short so a last round opens then, and once `now` is past it the job expires.
 * Each round closes at least `auctionWindowMs` later than it opened, so the
 * schedule always ends.
 *
 * @example
 * nextAuctionRound({ now: 0, round: 1, jobDeadlineAt: 60_000 }); // { action: 'reopen', round: 2, opensAt: 1_000 }
 */
export function nextAuctionRound(
  input: { now: number; round: number; jobDeadlineAt: number },
  policy: DeadlinePolicy = defaultDeadlinePolicy,
): NextAuctionRound {
  if (!(policy.auctionWindowMs > 0)) {
    throw new TenderError('TENDER_CONFIG_INVALID', 'auctionWindowMs must be > 0 for re-auctions to end', {
      details: { auctionWindowMs: policy.auctionWindowMs },
    });
  }
  const lastOpening = input.jobDeadlineAt - policy.auctionWindowMs - policy.minProvingWindowMs;
  if (input.now > lastOpening) return { action: 'expire' };
  const opensAt = Math.min(input.now + reauctionDelayMs(input.round, policy), lastOpening);
  return { action: 'reopen', round: input.round + 1, opensAt };
}

/**
 * Whether a job has used up its attempts: `maxAttempts` awards that ended without an accepted
 * proof (deadline missed, proof invalid, job given back). Rounds that closed without a bid do not
 * count: a busy market can leave many rounds empty in a short time (a freed slot wakes waiting
 * jobs at once), and empty rounds are already bounded by the job's deadline and the backoff of
 * {@link nextAuctionRound}.
 *
 * @example
 * attemptsExhausted(2, 20); // false
 */
export function attemptsExhausted(failedAwards: number, maxAttempts: number): boolean {
  return failedAwards >= maxAttempts;
}
