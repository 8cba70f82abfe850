import { illegalTransition, type Lifecycle, unreachable } from './lifecycle.ts';

/** Every job status, spelled exactly like the Prisma `JobStatus` enum. */
export const jobStatuses = [
  'submitted',
  'auctioning',
  'assigned',
  'proving',
  'proven',
  'batched',
  'verified',
  'expired',
  'cancelled',
  'rejected',
] as const;

/** Where a job is in its life (see ARCHITECTURE.md, "A job's life"). */
export type JobStatus = (typeof jobStatuses)[number];

/**
 * Everything that can happen to a job, named by what happened.
 *
 * - `auction_opened` — its inputs checked out and the first auction round opened.
 * - `input_rejected` — its inputs do not fit the circuit.
 * - `bid_awarded` — an auction round picked a winner.
 * - `no_bids_received` — an auction round closed empty; the job waits (backoff) for round n+1.
 * - `proving_started` — the assigned prover announced it started.
 * - `proof_accepted` — a submitted proof verified and its public signals matched the job.
 * - `proof_rejected` — a submitted proof did not verify; the job is re-auctioned.
 * - `deadline_missed` — the assignment deadline passed without a proof; the job is re-auctioned.
 * - `prover_abandoned` — the assigned prover gave the job back; the job is re-auctioned.
 * - `proof_batched` — the proof was put into a settlement batch.
 * - `batch_failed` — that batch failed on-chain; the proof waits for another batch.
 * - `proof_revoked` — an accepted proof failed the batch's off-chain check (or its signals no
 *   longer match); the job leaves the batch and is re-auctioned.
 * - `batch_confirmed` — that batch was confirmed on-chain.
 * - `job_expired` — the job's own deadline passed before a proof was accepted.
 * - `job_cancelled` — the requester cancelled it before proving started.
 */
export const jobEvents = [
  'auction_opened',
  'input_rejected',
  'bid_awarded',
  'no_bids_received',
  'proving_started',
  'proof_accepted',
  'proof_rejected',
  'deadline_missed',
  'prover_abandoned',
  'proof_batched',
  'batch_failed',
  'proof_revoked',
  'batch_confirmed',
  'job_expired',
  'job_cancelled',
] as const;

/** Something that happened to a job. */
export type JobEvent = (typeof jobEvents)[number];

/**
 * The job status after `event` happens to a job in status `from`.
 * A prover may submit a proof without announcing the start first, so
 * `proof_accepted` / `proof_rejected` are legal from `assigned` too.
 *
 * @throws TenderError `TENDER_ILLEGAL_TRANSITION` (details: entity, from, event) when the event may not happen.
 * @example
 * transitionJob('auctioning', 'bid_awarded'); // 'assigned'
 * transitionJob('verified', 'job_cancelled'); // throws TENDER_ILLEGAL_TRANSITION
 */
export function transitionJob(from: JobStatus, event: JobEvent): JobStatus {
  switch (from) {
    case 'submitted':
      switch (event) {
        case 'auction_opened':
          return 'auctioning';
        case 'input_rejected':
          return 'rejected';
        case 'job_expired':
          return 'expired';
        case 'job_cancelled':
          return 'cancelled';
        default:
          throw illegalTransition('job', from, event);
      }
    case 'auctioning':
      switch (event) {
        case 'bid_awarded':
          return 'assigned';
        case 'no_bids_received':
          return 'auctioning';
        case 'job_expired':
          return 'expired';
        case 'job_cancelled':
          return 'cancelled';
        default:
          throw illegalTransition('job', from, event);
      }
    case 'assigned':
      switch (event) {
        case 'proving_started':
          return 'proving';
        case 'proof_accepted':
          return 'proven';
        case 'proof_rejected':
        case 'deadline_missed':
        case 'prover_abandoned':
          return 'auctioning';
        case 'job_expired':
          return 'expired';
        case 'job_cancelled':
          return 'cancelled';
        default:
          throw illegalTransition('job', from, event);
      }
    case 'proving':
      switch (event) {
        case 'proof_accepted':
          return 'proven';
        case 'proof_rejected':
        case 'deadline_missed':
        case 'prover_abandoned':
          return 'auctioning';
        case 'job_expired':
          return 'expired';
        default:
          throw illegalTransition('job', from, event);
      }
    case 'proven':
      switch (event) {
        case 'proof_batched':
          return 'batched';
        default:
          throw illegalTransition('job', from, event);
      }
    case 'batched':
      switch (event) {
        case 'batch_confirmed':
          return 'verified';
        case 'batch_failed':
          return 'proven';
        case 'proof_revoked':
          return 'auctioning';
        default:
          throw illegalTransition('job', from, event);
      }
    case 'verified':
    case 'expired':
    case 'cancelled':
    case 'rejected':
      throw illegalTransition('job', from, event);
    default:
      return unreachable(from);
  }
}

/** The job lifecycle: statuses, events, initial and terminal statuses, and {@link transitionJob}. */
export const jobLifecycle: Lifecycle<JobStatus, JobEvent> = {
  entity: 'job',
  statuses: jobStatuses,
  events: jobEvents,
  initial: 'submitted',
  terminal: ['verified', 'expired', 'cancelled', 'rejected'],
  transition: transitionJob,
};
