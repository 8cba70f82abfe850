import type { TenderPrisma } from '@tender/db';

/**
 * The jobs of a test's market at a glance, for a timeout's message: counts by status, and for
 * each job not yet at `verified` its status, reason, deadline and rounds so far (with the last
 * round's status), so a suite that fails in CI says where its jobs stopped.
 */
export async function jobStates(prisma: TenderPrisma): Promise<unknown> {
  const jobs = await prisma.job.findMany({
    select: {
      id: true,
      status: true,
      statusReason: true,
      deadline: true,
      auctions: { select: { round: true, status: true }, orderBy: { round: 'desc' }, take: 1 },
    },
  });
  const byStatus: Record<string, number> = {};
  for (const job of jobs) byStatus[job.status] = (byStatus[job.status] ?? 0) + 1;
  const now = Date.now();
  const unfinished = jobs
    .filter((job) => job.status !== 'verified')
    .map((job) => ({
      id: job.id.slice(-8),
      status: job.status,
      reason: job.statusReason,
      deadlineInMs: job.deadline.getTime() - now,
      lastRound: job.auctions[0] ? `${job.auctions[0].round}:${job.auctions[0].status}` : null,
    }));
  return { byStatus, unfinished };
}
