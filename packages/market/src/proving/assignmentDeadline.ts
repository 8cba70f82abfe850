import { TenderError } from '@tender/core';
import { getAddress, isAddress } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { marketPolicies } from '../deps/marketPolicies.ts';
import { wakeForFreeSlots } from '../provers/wakeWaitingAuctions.ts';
import { recheckSubmittedProof } from './applyProofVerdict.ts';
import { afterFailure, endAssignment } from './endAssignment.ts';

/** What {@link assignmentDeadline} did. */
export interface AssignmentDeadlineResult {
  /**
   * `failed_deadline`: no proof by the deadline; the job is re-auctioned.
   * `not_due`: called before the deadline (`dueAt`); call again then.
   * `rechecked`: a proof was left waiting for its verdict and has now been judged.
   * `finished`: the assignment had already ended — nothing to do.
   */
  status: 'failed_deadline' | 'not_due' | 'rechecked' | 'finished';
  dueAt?: number;
}

/**
 * Checks an assignment at its deadline. Still `awarded`/`proving` → it fails
 * (`failed_deadline`): core forfeits its collateral (100 % by default) and
 * lowers the prover's reliability, and the job is re-auctioned at round + 1
 * without that prover. A proof that arrived in time (`submitted`) is judged on
 * its merits instead: if its verdict is still pending (a crash between storing
 * and judging), it is judged now. Idempotent.
 *
 * @throws TenderError `TENDER_ASSIGNMENT_NOT_FOUND`.
 */
export async function assignmentDeadline(
  deps: MarketDeps,
  assignmentId: string,
): Promise<AssignmentDeadlineResult> {
  // A move the check raced with (awarded → proving when the prover starts) is re-read and the
  // check runs again; only an assignment that really ended is `finished`.
  for (let attempt = 0; ; attempt++) {
    const result = await checkDeadlineOnce(deps, assignmentId);
    if (result !== 'raced') return result;
    if (attempt >= 3) return { status: 'finished' };
  }
}

async function checkDeadlineOnce(
  deps: MarketDeps,
  assignmentId: string,
): Promise<AssignmentDeadlineResult | 'raced'> {
  const now = deps.now();
  const assignment = await deps.prisma.assignment.findUnique({
    where: { id: assignmentId },
    include: { job: true },
  });
  if (assignment === null) {
    throw new TenderError('TENDER_ASSIGNMENT_NOT_FOUND', 'assignment not found', {
      details: { assignmentId },
    });
  }
  if (assignment.status === 'submitted') {
    return (await recheckSubmittedProof(deps, assignmentId)) === null
      ? { status: 'finished' }
      : { status: 'rechecked' };
  }
  if (assignment.status !== 'awarded' && assignment.status !== 'proving') return { status: 'finished' };
  if (now < assignment.deadline.getTime()) return { status: 'not_due', dueAt: assignment.deadline.getTime() };

  const policies = marketPolicies(deps);
  const ending = await deps.prisma
    .$transaction(
      (tx) =>
        endAssignment(tx, policies, {
          assignment,
          event: 'deadline_missed',
          jobStatus: assignment.job.status,
          now: new Date(now),
          reason: 'deadline_missed',
        }),
      { timeout: 20_000, maxWait: 10_000 },
    )
    .catch((error: unknown) => {
      if (error instanceof TenderError && error.code === 'TENDER_ASSIGNMENT_NOT_ACTIVE') return null;
      throw error;
    });
  if (ending === null) return 'raced';
  await afterFailure(deps, assignment, ending, now);
  await wakeForFreeSlots(deps, assignment.proverId); // its slot is free again
  return { status: 'failed_deadline' };
}

/**
 * A prover gives back an assignment it cannot finish (e.g. it is shutting
 * down). Only the assigned prover may, and only while `awarded`/`proving`.
 * The assignment becomes `abandoned`: core forfeits part of its collateral
 * (50 % by default — less than a missed deadline, since the job can be
 * re-auctioned at once), reliability goes down a little, and the job is
 * re-auctioned at round + 1 without that prover.
 *
 * @throws TenderError `TENDER_ASSIGNMENT_NOT_FOUND`, `TENDER_NOT_ASSIGNED_PROVER` (403),
 *   `TENDER_ASSIGNMENT_NOT_ACTIVE` (409).
 */
export async function abandonAssignment(
  deps: MarketDeps,
  input: { assignmentId: string; proverAddress: string },
): Promise<void> {
  const now = deps.now();
  const assignment = await deps.prisma.assignment.findUnique({
    where: { id: input.assignmentId },
    include: { job: true, prover: true },
  });
  if (assignment === null) {
    throw new TenderError('TENDER_ASSIGNMENT_NOT_FOUND', 'assignment not found', {
      details: { assignmentId: input.assignmentId },
    });
  }
  const caller = isAddress(input.proverAddress, { strict: false }) ? getAddress(input.proverAddress) : null;
  if (caller === null || caller.toLowerCase() !== assignment.prover.address) {
    throw new TenderError('TENDER_NOT_ASSIGNED_PROVER', 'the assignment belongs to another prover', {
      details: { assignmentId: assignment.id },
    });
  }
  if (assignment.status !== 'awarded' && assignment.status !== 'proving') {
    throw new TenderError('TENDER_ASSIGNMENT_NOT_ACTIVE', 'the assignment has ended', {
      details: { assignmentId: assignment.id, status: assignment.status },
    });
  }
  const ending = await deps.prisma.$transaction(
    (tx) =>
      endAssignment(tx, marketPolicies(deps), {
        assignment,
        event: 'prover_abandoned',
        jobStatus: assignment.job.status,
        now: new Date(now),
        reason: 'prover_abandoned',
      }),
    { timeout: 20_000, maxWait: 10_000 },
  );
  await afterFailure(deps, assignment, ending, now);
  await wakeForFreeSlots(deps, assignment.proverId); // its slot is free again
}
