import type { Circuit, Job } from '@tender/db';
import { queueJobId, queueNames } from '@tender/queue';
import { type Job as QueueJob, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAuction } from '../auction/closeAuction.ts';
import { openAuction } from '../auction/openAuction.ts';
import { insertJob, insertTinyCircuit, testClock } from '../testing/auctionKit.ts';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { wakeWaitingAuctions } from './wakeWaitingAuctions.ts';

const clock = testClock();
let h: MarketHarness;
let circuit: Circuit;
let worker: Worker;
/** Every open-auction the worker ran: `<jobId>.<round>`. */
const opened: string[] = [];

beforeAll(async () => {
  h = await createMarketHarness({ now: clock.now, config: { auctionWindowMs: 1_000 } });
  circuit = (await insertTinyCircuit(h.deps.prisma)).row;
  // A real worker on the harness's auctions queue that opens rounds (closes are left to the tests).
  worker = new Worker(
    queueNames.auctions,
    async (job: QueueJob) => {
      if (job.name !== 'open-auction') return;
      const { jobId, round } = job.data as { jobId: string; round: number };
      await openAuction(h.deps, jobId, round);
      opened.push(`${jobId}.${round}`);
    },
    { connection: h.redis.duplicate(), prefix: h.redisPrefix },
  );
});
afterAll(async () => {
  await worker?.close();
  await h?.close();
});

const openJobId = (jobId: string, round: number) => queueJobId('open-auction', jobId, round);

/** A job whose round 1 closed without bids and whose round 2 is queued to open in 60 s. */
async function waitingJob(): Promise<Job> {
  const job = await insertJob(h.deps.prisma, circuit, { deadline: new Date(clock.now() + 3_600_000) });
  await openAuction(h.deps, job.id, 1);
  clock.advance(1_000);
  const auction = await h.deps.prisma.auction.findFirstOrThrow({ where: { jobId: job.id, round: 1 } });
  expect(await closeAuction(h.deps, auction.id)).toMatchObject({ status: 'no_bids', nextRound: 2 });
  // The close queued round 2 after the first backoff (1 s); make it the 60 s cap.
  await (await h.queues.queues.auctions.getJob(openJobId(job.id, 2)))?.remove();
  await h.queues.openAuction(job.id, 2, 60_000);
  expect(await h.queues.queues.auctions.getJobState(openJobId(job.id, 2))).toBe('delayed');
  return job;
}

async function roundOpened(jobId: string, round: number, withinMs = 5_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if ((await h.deps.prisma.auction.count({ where: { jobId, round } })) > 0) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('wakeWaitingAuctions', () => {
  it('opens the next round of a job waiting out a 60 s no-bid backoff at once', async () => {
    const job = await waitingJob();
    const started = Date.now();
    expect(await wakeWaitingAuctions(h.deps, { limit: 5 })).toBe(1);
    expect(await roundOpened(job.id, 2)).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'auctioning',
      round: 2,
    });
  });

  it('is idempotent: waking twice opens the round once', async () => {
    const job = await waitingJob();
    expect(await wakeWaitingAuctions(h.deps, { limit: 5 })).toBe(1);
    expect(await wakeWaitingAuctions(h.deps, { limit: 5 })).toBe(0);
    expect(await roundOpened(job.id, 2)).toBe(true);
    expect(await wakeWaitingAuctions(h.deps, { limit: 5 })).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(opened.filter((o) => o === `${job.id}.2`)).toHaveLength(1);
    expect(await h.deps.prisma.auction.count({ where: { jobId: job.id } })).toBe(2);
  });

  it('wakes the oldest waiting jobs first, at most limit', async () => {
    const older = await waitingJob();
    const newer = await waitingJob();
    expect(await wakeWaitingAuctions(h.deps, { limit: 1 })).toBe(1);
    expect(await roundOpened(older.id, 2)).toBe(true);
    expect(await h.queues.queues.auctions.getJobState(openJobId(newer.id, 2))).toBe('delayed');
    expect(await wakeWaitingAuctions(h.deps, { limit: 0 })).toBe(0);
    expect(await wakeWaitingAuctions(h.deps, { limit: 1 })).toBe(1);
    expect(await roundOpened(newer.id, 2)).toBe(true);
  });

  it('leaves jobs that are not waiting for a next round alone', async () => {
    const deadline = new Date(clock.now() + 3_600_000);
    // Submitted, its first round queued for later: not a no-bid backoff.
    const submitted = await insertJob(h.deps.prisma, circuit, { deadline });
    await h.queues.openAuction(submitted.id, 1, 60_000);
    // A round open right now.
    const bidding = await insertJob(h.deps.prisma, circuit, { deadline });
    const round = await openAuction(h.deps, bidding.id, 1);

    expect(await wakeWaitingAuctions(h.deps, { limit: 10 })).toBe(0);
    expect(await h.queues.queues.auctions.getJobState(openJobId(submitted.id, 1))).toBe('delayed');
    expect(await h.deps.prisma.job.findUniqueOrThrow({ where: { id: submitted.id } })).toMatchObject({
      status: 'submitted',
      round: 0,
    });
    expect(await h.deps.prisma.auction.findUniqueOrThrow({ where: { id: round.auctionId! } })).toMatchObject({
      status: 'open',
    });
    expect(opened.filter((o) => o.startsWith(submitted.id) || o.startsWith(bidding.id))).toEqual([]);
  });
});
