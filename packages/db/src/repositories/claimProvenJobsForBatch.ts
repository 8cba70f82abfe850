import type { TenderPrisma } from '../client.ts';

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

/** Options of {@link claimProvenJobsForBatch}. */
export interface ClaimOptions {
  /** Most jobs to take. */
  readonly limit: number;
  /** Clock (default: now). */
  readonly now?: Date;
}

/**
 * Takes up to `limit` proven jobs, oldest proof first, into a new `pending`
 * batch: in one transaction the jobs are locked with `FOR UPDATE SKIP
 * LOCKED`, flipped `proven → batched`, given leaf positions (batch items
 * without leaf hashes yet) and a JobEvent each. Two aggregators running at
 * once never take the same job: each skips the rows the other holds.
 * Returns null when no proven job is free.
 *
 * @example
 * const claimed = await claimProvenJobsForBatch(prisma, { limit: 32 });
 * if (claimed) await buildAndSubmit(claimed);
 */
export async function claimProvenJobsForBatch(
  prisma: TenderPrisma,
  options: ClaimOptions,
): Promise<ClaimedBatch | null> {
  if (!Number.isInteger(options.limit) || options.limit < 1) {
    throw new RangeError(`limit must be a positive integer (got ${options.limit})`);
  }
  const now = options.now ?? new Date();
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string; circuit_id: string; round: number; proven_at: Date }[]>`
      SELECT id::text AS id, circuit_id, round, proven_at FROM jobs
      WHERE status = 'proven'
      ORDER BY proven_at, id
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return null;
    const ids = rows.map((row) => row.id);
    const batch = await tx.batch.create({ data: { size: rows.length, createdAt: now } });
    await tx.job.updateMany({ where: { id: { in: ids } }, data: { status: 'batched', batchedAt: now } });
    await tx.batchItem.createMany({
      data: rows.map((row, leafIndex) => ({ batchId: batch.id, jobId: row.id, leafIndex })),
    });
    await tx.jobEvent.createMany({
      data: rows.map((row) => ({
        jobId: row.id,
        fromStatus: 'proven' as const,
        toStatus: 'batched' as const,
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
