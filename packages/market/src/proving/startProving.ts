import { TenderError, transitionAssignment } from '@tender/core';
import { getAddress, isAddress } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { announceJob, moveJob, quietly } from '../jobs/moveJob.ts';

/** What {@link startProving} left: the assignment's status (`proving`, or later when it had moved on). */
export interface StartProvingResult {
  assignmentId: string;
  status: 'proving';
}

/**
 * The assigned prover says it started proving (`POST /v1/assignments/:id/start`): the
 * assignment moves `awarded → proving` and the job `assigned → proving`, both by core's
 * `proving_started` event, in one transaction; then the job's followers and the operator
 * see `proving`. Idempotent: an assignment already `proving` is left as it is. Nothing
 * else changes (the deadline, the collateral): a proof may still arrive without this call.
 *
 * @throws TenderError `TENDER_ASSIGNMENT_NOT_FOUND` (404), `TENDER_NOT_ASSIGNED_PROVER` (403),
 *   `TENDER_ASSIGNMENT_NOT_ACTIVE` (409) when the assignment is past proving.
 */
export async function startProving(
  deps: MarketDeps,
  input: { assignmentId: string; proverAddress: string },
): Promise<StartProvingResult> {
  const now = deps.now();
  const assignment = await deps.prisma.assignment.findUnique({
    where: { id: input.assignmentId },
    include: { job: { select: { status: true } }, prover: { select: { address: true } } },
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
  if (assignment.status === 'proving') return { assignmentId: assignment.id, status: 'proving' };
  if (assignment.status !== 'awarded') {
    throw new TenderError('TENDER_ASSIGNMENT_NOT_ACTIVE', 'the assignment is past proving', {
      details: { assignmentId: assignment.id, status: assignment.status },
    });
  }
  const to = transitionAssignment('awarded', 'proving_started');
  const job = await deps.prisma.$transaction(
    async (tx) => {
      const moved = await tx.assignment.updateMany({
        where: { id: assignment.id, status: 'awarded' },
        data: { status: to },
      });
      if (moved.count === 0) return null; // a proof or the deadline got there first
      if (assignment.job.status !== 'assigned') return null;
      return moveJob(tx, {
        jobId: assignment.jobId,
        from: 'assigned',
        event: 'proving_started',
        now: new Date(now),
        reason: 'proving_started',
        data: { assignmentId: assignment.id, proverId: assignment.proverId },
      });
    },
    { timeout: 20_000, maxWait: 10_000 },
  );
  if (job !== null) await announceJob(deps, job, now, 'proving started');
  await quietly(() =>
    deps.events.operator({
      type: 'assignment',
      at: now,
      id: assignment.id,
      status: to,
      detail: { jobId: assignment.jobId, proverId: assignment.proverId },
    }),
  );
  return { assignmentId: assignment.id, status: 'proving' };
}
