import { TenderError, transitionAuction } from '@tender/core';
import type { JobStatus } from '@tender/db';
import type { JobView } from '@tender/sdk';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { jobNotFound, loadJobView } from './jobViews.ts';
import { moveJob } from './moveJob.ts';

/** A requester may cancel only before the job is awarded to a prover. */
const CANCELLABLE: readonly JobStatus[] = ['submitted', 'auctioning'];

const notCancellable = (jobId: string, status: JobStatus) =>
  new TenderError('TENDER_JOB_NOT_CANCELLABLE', `a ${status} job can no longer be cancelled`, {
    details: { jobId, status },
  });

/**
 * `DELETE /v1/jobs/:id`: cancels a job that is still `submitted` or
 * `auctioning` (nothing is owed: no prover holds it yet). The job becomes
 * `cancelled` (optimistically: if the scheduler awards it at the same moment,
 * exactly one of the two wins), its open auction round is closed as
 * `cancelled`, every prover invited to that round gets a `cancellation`
 * event, and the job's followers and the operator see the change. Cancelling
 * a cancelled job again returns it unchanged. Later statuses are
 * `TENDER_JOB_NOT_CANCELLABLE` (409); another requester's job is
 * `TENDER_JOB_NOT_FOUND`.
 */
export async function cancelJob(deps: MarketDeps, requesterId: string, jobId: string): Promise<JobView> {
  const job = /^[0-9a-f-]{36}$/i.test(jobId)
    ? await deps.prisma.job.findUnique({ where: { id: jobId }, select: { requesterId: true, status: true } })
    : null;
  if (job === null || job.requesterId !== requesterId) throw jobNotFound(jobId);
  if (job.status === 'cancelled') return loadJobView(deps, jobId);
  if (!CANCELLABLE.includes(job.status)) throw notCancellable(jobId, job.status);
  const now = deps.now();
  const from = job.status;
  const moved = await deps.prisma.$transaction((tx) =>
    moveJob(tx, {
      jobId,
      from,
      event: 'job_cancelled',
      reason: 'cancelled by the requester',
      now: new Date(now),
    }),
  );
  if (moved === null) {
    const current = await deps.prisma.job.findUniqueOrThrow({
      where: { id: jobId },
      select: { status: true },
    });
    if (current.status === 'cancelled') return loadJobView(deps, jobId);
    throw notCancellable(jobId, current.status);
  }
  const auctions = await deps.prisma.auction.updateManyAndReturn({
    where: { jobId, status: 'open' },
    data: { status: transitionAuction('open', 'job_cancelled'), closedAt: new Date(now) },
    select: { id: true, invitedProverIds: true },
  });
  for (const auction of auctions) {
    for (const proverId of auction.invitedProverIds) {
      await deps.events.toProver(proverId, {
        type: 'cancellation',
        jobId,
        auctionId: auction.id,
        reason: 'job cancelled by the requester',
      });
    }
  }
  await deps.events.job(jobId, {
    type: 'status',
    jobId,
    status: 'cancelled',
    at: now,
    round: moved.round,
    detail: 'cancelled by the requester',
  });
  await deps.events.operator({ type: 'job', at: now, id: jobId, status: 'cancelled' });
  return loadJobView(deps, jobId);
}
