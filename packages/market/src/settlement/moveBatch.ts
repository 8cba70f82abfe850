import { type BatchEvent, type BatchStatus, transitionBatch } from '@tender/core';
import type { Prisma, TenderQueryable } from '@tender/db';

/**
 * Moves a batch by a core lifecycle event, from whichever of `from` it is in: the new
 * status comes from core `transitionBatch` (one optimistic update per starting status, so
 * a batch that already left them is not touched). Returns true when the batch moved.
 * Extra columns (`txHash`, `error`, …) are written with the move.
 */
export async function moveBatch(
  db: TenderQueryable,
  batchId: string,
  from: readonly BatchStatus[],
  event: BatchEvent,
  data: Omit<Prisma.BatchUpdateManyMutationInput, 'status'> = {},
): Promise<boolean> {
  for (const status of from) {
    const moved = await db.batch.updateMany({
      where: { id: batchId, status },
      data: { ...data, status: transitionBatch(status, event) },
    });
    if (moved.count > 0) return true;
  }
  return false;
}
