import { activeAssignmentStatuses, reauctionDelayMs } from '@tender/core';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { marketPolicies } from '../deps/marketPolicies.ts';

/**
 * Rebuilds the scheduler's queue jobs from Postgres (the truth), e.g. after a
 * Redis flush or on start-up: `open-auction` for every job `submitted` (round
 * 1) or `auctioning` whose current round has not opened yet (after the
 * backoff still due, counted from when the last round closed); `close-auction`
 * for every open round; `assignment-deadline` for every assignment still held
 * (awarded, proving, or a proof waiting for its verdict). Queue ids derive from
 * these rows, and every processor is idempotent, so running this at any time
 * never does work twice. `enqueued` counts the adds issued (an add whose id is
 * already queued is a no-op in BullMQ).
 */
export async function reconcileQueues(deps: MarketDeps): Promise<{ enqueued: number }> {
  const now = deps.now();
  const policies = marketPolicies(deps);
  const [submitted, auctioning, openRounds, held] = await Promise.all([
    deps.prisma.job.findMany({ where: { status: 'submitted' }, select: { id: true } }),
    deps.prisma.job.findMany({
      where: { status: 'auctioning' },
      select: {
        id: true,
        round: true,
        auctions: {
          orderBy: { round: 'desc' },
          take: 1,
          select: { round: true, status: true, closedAt: true },
        },
      },
    }),
    deps.prisma.auction.findMany({ where: { status: 'open' }, select: { id: true, closesAt: true } }),
    deps.prisma.assignment.findMany({
      where: { status: { in: [...activeAssignmentStatuses] } },
      select: { id: true, deadline: true },
    }),
  ]);
  const adds: Promise<void>[] = [];
  for (const job of submitted) adds.push(deps.queues.openAuction(job.id, 1, 0));
  for (const job of auctioning) {
    const last = job.auctions[0];
    if (last !== undefined && last.round >= job.round) continue; // current round exists (open ones are below)
    const waitedFrom = last?.status === 'no_bids' ? (last.closedAt?.getTime() ?? now) : now;
    const opensAt =
      last?.status === 'no_bids' ? waitedFrom + reauctionDelayMs(last.round, policies.deadlines) : now;
    adds.push(deps.queues.openAuction(job.id, job.round, Math.max(0, opensAt - now)));
  }
  for (const auction of openRounds)
    adds.push(deps.queues.closeAuction(auction.id, auction.closesAt.getTime()));
  for (const assignment of held) {
    adds.push(deps.queues.assignmentDeadline(assignment.id, assignment.deadline.getTime()));
  }
  await Promise.all(adds);
  return { enqueued: adds.length };
}
