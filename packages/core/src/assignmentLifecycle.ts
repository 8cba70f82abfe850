import { illegalTransition, type Lifecycle, unreachable } from './lifecycle.ts';

/** Every assignment status, spelled exactly like the Prisma `AssignmentStatus` enum. */
export const assignmentStatuses = [
  'awarded',
  'proving',
  'submitted',
  'accepted',
  'failed_invalid',
  'failed_deadline',
  'abandoned',
  'cancelled',
] as const;

/** Where one prover's assignment to a job is. */
export type AssignmentStatus = (typeof assignmentStatuses)[number];

/** Assignment statuses in which a prover is still working on a job (they count against its capacity). */
export const activeAssignmentStatuses = [
  'awarded',
  'proving',
  'submitted',
] as const satisfies readonly AssignmentStatus[];

/** Assignment statuses that exclude the prover from later rounds of the same job. */
export const failedAssignmentStatuses = [
  'failed_invalid',
  'failed_deadline',
  'abandoned',
] as const satisfies readonly AssignmentStatus[];

/** How an assignment ended: its terminal statuses. Collateral and reliability are settled by it. */
export type AssignmentOutcome = Extract<
  AssignmentStatus,
  'accepted' | 'failed_invalid' | 'failed_deadline' | 'abandoned' | 'cancelled'
>;

/**
 * Everything that can happen to an assignment, named by what happened.
 *
 * - `proving_started` — the prover announced it started.
 * - `proof_submitted` — the prover submitted a signed proof (verification pending).
 * - `proof_accepted` / `proof_rejected` — verification passed / failed.
 * - `deadline_missed` — the assignment deadline passed before a proof arrived.
 * - `prover_abandoned` — the prover gave the job back.
 * - `proof_revoked` — an accepted proof failed the settlement batch's off-chain check.
 * - `job_cancelled` — the requester cancelled the job before proving started.
 */
export const assignmentEvents = [
  'proving_started',
  'proof_submitted',
  'proof_accepted',
  'proof_rejected',
  'deadline_missed',
  'prover_abandoned',
  'proof_revoked',
  'job_cancelled',
] as const;

/** Something that happened to an assignment. */
export type AssignmentEvent = (typeof assignmentEvents)[number];

/**
 * The assignment status after `event` happens in `from`. A proof may arrive
 * without a prior `proving_started`. A proof that arrived before the deadline
 * is judged on its merits, so `deadline_missed` does not apply once submitted.
 *
 * @throws TenderError `TENDER_ILLEGAL_TRANSITION` (details: entity, from, event).
 * @example
 * transitionAssignment('submitted', 'proof_rejected'); // 'failed_invalid'
 */
export function transitionAssignment(from: AssignmentStatus, event: AssignmentEvent): AssignmentStatus {
  switch (from) {
    case 'awarded':
      switch (event) {
        case 'proving_started':
          return 'proving';
        case 'proof_submitted':
          return 'submitted';
        case 'deadline_missed':
          return 'failed_deadline';
        case 'prover_abandoned':
          return 'abandoned';
        case 'job_cancelled':
          return 'cancelled';
        default:
          throw illegalTransition('assignment', from, event);
      }
    case 'proving':
      switch (event) {
        case 'proof_submitted':
          return 'submitted';
        case 'deadline_missed':
          return 'failed_deadline';
        case 'prover_abandoned':
          return 'abandoned';
        default:
          throw illegalTransition('assignment', from, event);
      }
    case 'submitted':
      switch (event) {
        case 'proof_accepted':
          return 'accepted';
        case 'proof_rejected':
          return 'failed_invalid';
        default:
          throw illegalTransition('assignment', from, event);
      }
    case 'accepted':
      switch (event) {
        case 'proof_revoked':
          return 'failed_invalid';
        default:
          throw illegalTransition('assignment', from, event);
      }
    case 'failed_invalid':
    case 'failed_deadline':
    case 'abandoned':
    case 'cancelled':
      throw illegalTransition('assignment', from, event);
    default:
      return unreachable(from);
  }
}

/** The assignment lifecycle: statuses, events, initial and terminal statuses, and {@link transitionAssignment}. */
export const assignmentLifecycle: Lifecycle<AssignmentStatus, AssignmentEvent> = {
  entity: 'assignment',
  statuses: assignmentStatuses,
  events: assignmentEvents,
  initial: 'awarded',
  // `accepted` is not terminal: the proof can still be revoked (`proof_revoked`) until its batch settles.
  terminal: ['failed_invalid', 'failed_deadline', 'abandoned', 'cancelled'],
  transition: transitionAssignment,
};
