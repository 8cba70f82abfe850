import { activeAssignmentStatuses } from '@tender/core';
import type { MarketDeps } from '../deps/marketDeps.ts';

/**
 * Wakes jobs waiting out a no-bid backoff: jobs `auctioning` whose last round
 * closed `no_bids` and whose next round (the job's current `round`, which the
 * close queued with core `reauctionDelayMs`) has not opened yet, oldest job
 * first, at most `limit`. Each one's delayed `open-auction` runs now
 * (`MarketQueues.wakeOpenAuction`). Returns how many were woken.
 *
 * Idempotent and cheap enough to call whenever a prover frees a slot: a job
 * whose open is already due or done is skipped, and opening a round is itself
 * idempotent per (job, round).
 */
export async function wakeWaitingAuctions(deps: MarketDeps, opts: { limit: number }): Promise<number> {
  const limit = Math.max(0, Math.floor(opts.limit));
  if (limit === 0) return 0;
  // A job may be waiting with its open already due; look a little past `limit`.
  const waiting = await deps.prisma.$queryRaw<{ id: string; round: number }[]>`
    SELECT j.id::text AS id, j.round AS round
    FROM jobs j
    JOIN auctions last ON last.job_id = j.id AND last.round = j.round - 1
    WHERE j.status = 'auctioning'
      AND last.status = 'no_bids'
      AND NOT EXISTS (SELECT 1 FROM auctions a WHERE a.job_id = j.id AND a.round = j.round)
    ORDER BY j.created_at, j.id
    LIMIT ${limit * 4}`;
  let woken = 0;
  for (const job of waiting) {
    if (woken >= limit) break;
    if (await deps.queues.wakeOpenAuction(job.id, job.round)) woken += 1;
  }
  return woken;
}

/**
 * Wakes as many waiting jobs ({@link wakeWaitingAuctions}) as prover
 * `proverId` has free slots (`maxConcurrency` − active assignments), at least
 * 1 — or none when `onlyIfFree` and the prover is full (a heartbeat). Never
 * throws: a failed wake only means the backoff opens the round later.
 */
export async function wakeForFreeSlots(
  deps: MarketDeps,
  proverId: string,
  opts: { onlyIfFree?: boolean } = {},
): Promise<number> {
  try {
    const prover = await deps.prisma.prover.findUnique({
      where: { id: proverId },
      select: { maxConcurrency: true },
    });
    if (prover === null) return 0;
    const active = await deps.prisma.assignment.count({
      where: { proverId, status: { in: [...activeAssignmentStatuses] } },
    });
    const free = prover.maxConcurrency - active;
    if (free <= 0 && opts.onlyIfFree === true) return 0;
    return await wakeWaitingAuctions(deps, { limit: Math.max(1, free) });
  } catch {
    return 0;
  }
}
