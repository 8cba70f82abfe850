import { TenderError } from '@tender/core';
import type { TenderPrisma } from '../client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { JobStatus } from '../generated/prisma/enums.ts';
import { type JobRecord, toJobRecord } from './jobRecord.ts';

/** A status change of a job, decided by the caller (core's job lifecycle). */
export interface JobTransition {
  readonly jobId: string;
  /** The status the caller saw; the change only happens if the job is still in it. */
  readonly from: JobStatus;
  readonly to: JobStatus;
  /** Why (rejection reason, missed deadline…); stored on the job and the event. */
  readonly reason?: string;
  /** Extra facts for the event log (assignment id, batch id…). */
  readonly data?: Prisma.InputJsonValue;
  /** Clock (default: now). */
  readonly now?: Date;
}

/** Timestamp column set on entering a status. */
const stampedAt: Partial<Record<JobStatus, 'provenAt' | 'batchedAt' | 'verifiedAt'>> = {
  proven: 'provenAt',
  batched: 'batchedAt',
  verified: 'verifiedAt',
};

/**
 * Moves a job from `from` to `to` if, and only if, it is still in `from`
 * (optimistic concurrency: of two racing callers exactly one wins), and
 * appends a JobEvent in the same transaction. Entering `auctioning` starts
 * the next auction round (`round + 1`); entering `proven`, `batched` or
 * `verified` stamps the matching time. Whether the move is legal is decided
 * before, by the job lifecycle in @tender/core.
 *
 * Returns the updated job, or null when the job was no longer in `from`.
 * Throws `TENDER_JOB_NOT_FOUND` when there is no such job.
 *
 * @example
 * const job = await transitionJob(prisma, { jobId, from: 'proving', to: 'proven' });
 * if (job === null) return; // someone else moved it first
 */
export async function transitionJob(
  prisma: TenderPrisma,
  transition: JobTransition,
): Promise<JobRecord | null> {
  const now = transition.now ?? new Date();
  const stamp = stampedAt[transition.to];
  const data: Prisma.JobUpdateManyMutationInput = {
    status: transition.to,
    ...(transition.to === 'auctioning' ? { round: { increment: 1 } } : {}),
    ...(stamp === undefined ? {} : { [stamp]: now }),
    ...(transition.reason === undefined ? {} : { statusReason: transition.reason }),
  };
  return prisma.$transaction(async (tx) => {
    const [row] = await tx.job.updateManyAndReturn({
      where: { id: transition.jobId, status: transition.from },
      data,
    });
    if (row === undefined) {
      const exists = await tx.job.count({ where: { id: transition.jobId } });
      if (exists === 0) {
        throw new TenderError('TENDER_JOB_NOT_FOUND', 'job not found', {
          details: { jobId: transition.jobId },
        });
      }
      return null;
    }
    await tx.jobEvent.create({
      data: {
        jobId: row.id,
        fromStatus: transition.from,
        toStatus: transition.to,
        round: row.round,
        reason: transition.reason ?? null,
        ...(transition.data === undefined ? {} : { data: transition.data }),
        createdAt: now,
      },
    });
    return toJobRecord(row);
  });
}
