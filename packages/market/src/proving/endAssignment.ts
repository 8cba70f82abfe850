import {
  type AssignmentEvent,
  type AssignmentOutcome,
  type AssignmentStatus,
  type JobEvent as JobLifecycleEvent,
  settleCollateral,
  TenderError,
  transitionAssignment,
  updateReliability,
} from '@tender/core';
import { type Assignment, type Job, type TenderTx, weiFromDecimal, weiToDecimal } from '@tender/db';
import type { MarketDeps } from '../deps/marketDeps.ts';
import type { MarketPolicies } from '../deps/marketPolicies.ts';
import { announceJob, moveJob, quietly } from '../jobs/moveJob.ts';

/** How an assignment ended, and what that did to the prover and the job. */
export interface AssignmentEnding {
  outcome: AssignmentOutcome;
  forfeitWei: bigint;
  releaseWei: bigint;
  reliability: number;
  /** The job after the matching job event (`proven`, or `auctioning` at the next round); null if it had moved on. */
  job: Job | null;
}

const jobEventFor: Record<AssignmentOutcome, JobLifecycleEvent | null> = {
  accepted: 'proof_accepted',
  failed_invalid: 'proof_rejected',
  failed_deadline: 'deadline_missed',
  abandoned: 'prover_abandoned',
  cancelled: null,
};

/**
 * Ends an assignment inside the caller's transaction, by an event of core's
 * assignment lifecycle (`proof_accepted`, `proof_rejected`, `deadline_missed`,
 * `prover_abandoned`): the assignment moves (optimistically: only if still in
 * the status the caller saw), its locked collateral is settled by core
 * `settleCollateral` (released, or partly/wholly forfeited — a forfeit leaves
 * both the locked amount and the prover's collateral total), the prover's
 * reliability moves by core `updateReliability`, and the job takes the matching
 * job event: `proven`, or back to `auctioning` at round + 1 (the caller queues
 * that round).
 *
 * @throws TenderError `TENDER_ASSIGNMENT_NOT_ACTIVE` when the assignment already moved on.
 */
export async function endAssignment(
  tx: TenderTx,
  policies: MarketPolicies,
  end: {
    assignment: Assignment;
    event: Extract<
      AssignmentEvent,
      'proof_accepted' | 'proof_rejected' | 'deadline_missed' | 'prover_abandoned'
    >;
    /** The job's status as the caller saw it (`assigned` or `proving`). */
    jobStatus: Job['status'];
    now: Date;
    reason?: string;
  },
): Promise<AssignmentEnding> {
  const { assignment, now } = end;
  const to = transitionAssignment(assignment.status as AssignmentStatus, end.event) as AssignmentOutcome;
  const moved = await tx.assignment.updateMany({
    where: { id: assignment.id, status: assignment.status },
    data: { status: to, finishedAt: now },
  });
  if (moved.count === 0) {
    throw new TenderError('TENDER_ASSIGNMENT_NOT_ACTIVE', 'the assignment has already ended', {
      details: { assignmentId: assignment.id },
    });
  }
  const lockedWei = weiFromDecimal(assignment.collateralLockedWei);
  const settlement = settleCollateral(lockedWei, to, policies.collateral);
  const [prover] = await tx.$queryRaw<{ reliability: number }[]>`
    SELECT reliability FROM provers WHERE id = ${assignment.proverId}::uuid FOR UPDATE`;
  const reliability = updateReliability(prover?.reliability ?? 0, to, policies.reliability);
  const locked = weiToDecimal(lockedWei);
  const forfeit = weiToDecimal(settlement.forfeitWei);
  const updated = await tx.$executeRaw`
    UPDATE provers SET
      collateral_locked_wei = collateral_locked_wei - ${locked}::numeric,
      collateral_total_wei = collateral_total_wei - ${forfeit}::numeric,
      reliability = ${reliability},
      updated_at = now()
    WHERE id = ${assignment.proverId}::uuid AND collateral_locked_wei >= ${locked}::numeric`;
  if (updated !== 1) {
    throw new TenderError(
      'TENDER_COLLATERAL_NOT_LOCKED',
      'less collateral is locked than the assignment holds',
      {
        details: { assignmentId: assignment.id, proverId: assignment.proverId, lockedWei: locked },
      },
    );
  }
  const jobEvent = jobEventFor[to];
  const job =
    jobEvent === null
      ? null
      : await moveJob(tx, {
          jobId: assignment.jobId,
          from: end.jobStatus,
          event: jobEvent,
          now,
          ...(end.reason === undefined ? {} : { reason: end.reason }),
          data: {
            assignmentId: assignment.id,
            proverId: assignment.proverId,
            forfeitWei: settlement.forfeitWei.toString(),
          },
        });
  return { outcome: to, ...settlement, reliability, job };
}

/**
 * After a failed assignment committed: queues the job's next auction round at
 * once (round + 1, without that prover — it is excluded from the job), tells
 * the prover its assignment is over, and publishes the job's and the
 * operator's events.
 */
export async function afterFailure(
  deps: MarketDeps,
  assignment: Pick<Assignment, 'id' | 'jobId' | 'proverId'>,
  ending: AssignmentEnding,
  now: number,
): Promise<void> {
  const job = ending.job;
  if (job !== null && job.status === 'auctioning') await deps.queues.openAuction(job.id, job.round, 0);
  await Promise.all([
    quietly(() =>
      deps.events.toProver(assignment.proverId, {
        type: 'cancellation',
        jobId: assignment.jobId,
        assignmentId: assignment.id,
        reason: ending.outcome,
      }),
    ),
    quietly(() =>
      deps.events.operator({
        type: 'assignment',
        at: now,
        id: assignment.id,
        status: ending.outcome,
        detail: {
          jobId: assignment.jobId,
          proverId: assignment.proverId,
          forfeitWei: ending.forfeitWei.toString(),
          reliability: ending.reliability,
        },
      }),
    ),
    job === null ? Promise.resolve() : announceJob(deps, job, now, ending.outcome),
  ]);
}
