import { transitionJob } from '@tender/core';
import type { TenderPrisma } from '@tender/db';

/** A job taken into a batch, at its leaf position. */
export interface ClaimedJob {
  readonly jobId: string;
  readonly circuitId: string;
  readonly leafIndex: number;
  readonly provenAt: Date;
}

/** A new batch and the jobs claimed into it. */
export interface ClaimedBatch {
  readonly batchId: string;
  readonly jobs: readonly ClaimedJob[];
}

/** Proven jobs waiting for a batch (those not held back after a failed settlement). */
export interface ProvenBacklog {
  count: number;
  /** ms since epoch of the oldest proof, null when none. */
  oldestProvenAt: number | null;
}

/**
 * A proven job whose single-item batch failed on-chain (see `settleBatchRow`) sits out for
 * `holdMs` after that failure, so one unpayable job (escrow short of its prices plus the market
 * fee, passed deadline) cannot block the oldest-first queue or make every batch bisect down to it
 * again.
 */
function holdClause(cutoff: Date) {
  return `NOT EXISTS (
      SELECT 1 FROM batch_items bi JOIN batches b ON b.id = bi.batch_id
      WHERE bi.job_id = j.id AND b.status = 'failed' AND b.size = 1 AND b.updated_at > '${cutoff.toISOString()}'::timestamptz)`;
}

/** How many proven jobs may go into a batch now, and when the oldest of them was proven. */
export async function provenBacklog(
  prisma: TenderPrisma,
  opts: { holdMs: number; now: Date },
): Promise<ProvenBacklog> {
  const cutoff = new Date(opts.now.getTime() - opts.holdMs);
  const [row] = await prisma.$queryRawUnsafe<{ count: bigint; oldest: Date | null }[]>(
    `SELECT count(*) AS count, min(j.proven_at) AS oldest FROM jobs j
     WHERE j.status = 'proven' AND ${holdClause(cutoff)}`,
  );
  return {
    count: Number(row?.count ?? 0n),
    oldestProvenAt: row?.oldest ? row.oldest.getTime() : null,
  };
}

/**
 * Claims proven jobs into a new `pending` batch in one transaction (rows locked `FOR UPDATE
 * SKIP LOCKED`, `proven → batched`, a BatchItem per job at its claim position and a JobEvent
 * each). Two aggregators claiming at once never take the same job. Also: the
 * failed-settlement hold (see {@link provenBacklog}) and claiming an explicit list of jobs
 * (bisection: the halves of a reverted batch). Returns null when nothing was claimable.
 */
export async function claimJobsForBatch(
  prisma: TenderPrisma,
  opts: { limit: number; holdMs: number; now: Date } | { jobIds: readonly string[]; now: Date },
): Promise<ClaimedBatch | null> {
  const now = opts.now;
  return prisma.$transaction(async (tx) => {
    let rows: { id: string; circuit_id: string; round: number; proven_at: Date }[];
    if ('jobIds' in opts) {
      if (opts.jobIds.length === 0) return null;
      const locked = await tx.$queryRawUnsafe<
        { id: string; circuit_id: string; round: number; proven_at: Date }[]
      >(
        `SELECT id::text AS id, circuit_id, round, proven_at FROM jobs
         WHERE status = 'proven' AND id = ANY($1::uuid[])
         FOR UPDATE SKIP LOCKED`,
        opts.jobIds,
      );
      const position = new Map(opts.jobIds.map((id, i) => [id, i]));
      rows = locked.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
    } else {
      if (!Number.isInteger(opts.limit) || opts.limit < 1) {
        throw new RangeError(`limit must be a positive integer (got ${opts.limit})`);
      }
      const cutoff = new Date(now.getTime() - opts.holdMs);
      rows = await tx.$queryRawUnsafe(
        `SELECT id::text AS id, circuit_id, round, proven_at FROM jobs j
         WHERE status = 'proven' AND ${holdClause(cutoff)}
         ORDER BY proven_at, id
         LIMIT ${opts.limit}
         FOR UPDATE SKIP LOCKED`,
      );
    }
    if (rows.length === 0) return null;
    const ids = rows.map((row) => row.id);
    const batched = transitionJob('proven', 'proof_batched');
    const batch = await tx.batch.create({ data: { size: rows.length, createdAt: now } });
    await tx.job.updateMany({
      where: { id: { in: ids }, status: 'proven' },
      data: { status: batched, batchedAt: now },
    });
    await tx.batchItem.createMany({
      data: rows.map((row, leafIndex) => ({ batchId: batch.id, jobId: row.id, leafIndex })),
    });
    await tx.jobEvent.createMany({
      data: rows.map((row) => ({
        jobId: row.id,
        fromStatus: 'proven' as const,
        toStatus: batched,
        round: row.round,
        data: { batchId: batch.id },
        createdAt: now,
      })),
    });
    return {
      batchId: batch.id,
      jobs: rows.map((row, leafIndex) => ({
        jobId: row.id,
        circuitId: row.circuit_id,
        leafIndex,
        provenAt: row.proven_at,
      })),
    };
  });
}
