import { type JobEvent as JobLifecycleEvent, type JobStatus, TenderError, transitionJob } from '@tender/core';
import type { Job, Prisma, TenderTx } from '@tender/db';
import type { MarketDeps } from '../deps/marketDeps.ts';

/** A job status change inside a caller's transaction (see {@link moveJob}). */
export interface JobMove {
  jobId: string;
  /** The status the caller saw; nothing changes unless the job is still in it. */
  from: JobStatus;
  /** What happened, in @tender/core's job lifecycle terms; decides the new status. */
  event: JobLifecycleEvent;
  now: Date;
  /** Stored on the job (`statusReason`) and the event. */
  reason?: string;
  /** Extra facts for the job's event log. */
  data?: Prisma.InputJsonValue;
}

const stampedAt: Partial<Record<JobStatus, 'provenAt' | 'batchedAt' | 'verifiedAt'>> = {
  proven: 'provenAt',
  batched: 'batchedAt',
  verified: 'verifiedAt',
};

/**
 * Moves a job by a lifecycle event inside the caller's transaction, so the move
 * commits or rolls back with the rest of an award, a proof or a failure: the
 * one way a job's status changes. The new
 * status comes from core `transitionJob` (illegal → `TENDER_ILLEGAL_TRANSITION`);
 * the update is optimistic (only if the job is still in `from`); entering
 * `auctioning` starts the next round (`round + 1`);
 * a JobEvent row is appended. Returns the updated job, or null when the job had
 * already left `from` (of two racing callers exactly one wins).
 *
 * @throws TenderError `TENDER_ILLEGAL_TRANSITION` (core), `TENDER_JOB_NOT_FOUND` when there is no such job.
 */
export async function moveJob(tx: TenderTx, move: JobMove): Promise<Job | null> {
  const to = transitionJob(move.from, move.event);
  const stamp = stampedAt[to];
  const [row] = await tx.job.updateManyAndReturn({
    where: { id: move.jobId, status: move.from },
    data: {
      status: to,
      ...(to === 'auctioning' ? { round: { increment: 1 } } : {}),
      ...(stamp === undefined ? {} : { [stamp]: move.now }),
      ...(move.reason === undefined ? {} : { statusReason: move.reason }),
    },
  });
  if (row === undefined) {
    if ((await tx.job.count({ where: { id: move.jobId } })) === 0) {
      throw new TenderError('TENDER_JOB_NOT_FOUND', 'job not found', { details: { jobId: move.jobId } });
    }
    return null;
  }
  await tx.jobEvent.create({
    data: {
      jobId: row.id,
      fromStatus: move.from,
      toStatus: to,
      round: row.round,
      reason: move.reason ?? null,
      ...(move.data === undefined ? {} : { data: move.data }),
      createdAt: move.now,
    },
  });
  return row;
}

/**
 * Publishes a job's new status to its followers and the operator, after the
 * change committed. Events are best-effort (Postgres is the truth): a failing
 * publisher never fails the caller.
 */
export async function announceJob(
  deps: Pick<MarketDeps, 'events'>,
  job: Pick<Job, 'id' | 'status' | 'round'>,
  at: number,
  detail?: string,
): Promise<void> {
  await Promise.all([
    quietly(() =>
      deps.events.job(job.id, {
        type: 'status',
        jobId: job.id,
        status: job.status,
        at,
        round: job.round,
        ...(detail === undefined ? {} : { detail }),
      }),
    ),
    quietly(() =>
      deps.events.operator({
        type: 'job',
        at,
        id: job.id,
        status: job.status,
        detail: { round: job.round, ...(detail === undefined ? {} : { detail }) },
      }),
    ),
  ]);
}

/** Runs a publish, swallowing its failure (live events never undo committed state). */
export async function quietly(publish: () => Promise<void>): Promise<void> {
  try {
    await publish();
  } catch {
    // best-effort: clients re-read Postgres when they reconnect
  }
}
