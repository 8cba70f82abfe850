import { requiredCollateral } from '@tender/core';
import type { Circuit } from '@tender/db';
import { channels } from '@tender/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProverEvent } from '../deps/marketEvents.ts';
import { type ProverView, recordHeartbeat } from '../provers/registerProver.ts';
import {
  ETH,
  insertJob,
  insertTinyCircuit,
  listen,
  proverKeys,
  registerDevProver,
  requestUnstake,
  signBid,
  testClock,
} from '../testing/auctionKit.ts';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { closeAuction } from './closeAuction.ts';
import { openAuction } from './openAuction.ts';
import { placeBid } from './placeBid.ts';

const clock = testClock();
let h: MarketHarness;
let circuit: Circuit;
let fresh: ProverView;
let other: ProverView;
let stale: ProverView;
let unstaked: ProverView;
let small: ProverView;

beforeAll(async () => {
  h = await createMarketHarness({ now: clock.now, config: { auctionWindowMs: 1_000 } });
  circuit = (await insertTinyCircuit(h.deps.prisma)).row;
  const [a, b, c, d, e] = proverKeys as [never, never, never, never, never];
  stale = await registerDevProver(h, c);
  clock.advance(60_000); // stale's heartbeat is now a minute old (TTL 15 s)
  fresh = await registerDevProver(h, a);
  other = await registerDevProver(h, b);
  unstaked = await registerDevProver(h, d);
  await requestUnstake(h, d, ETH);
  await recordHeartbeat(h.deps, unstaked.id); // re-reads the stake: now 0
  small = await registerDevProver(h, e, { maxConstraints: 100 }); // tiny has 508 constraints
});
afterAll(() => h?.close());

const deadlineIn = (ms: number) => new Date(clock.now() + ms);

describe('openAuction', () => {
  it('invites only fresh, staked provers that fit the circuit, and queues the close', async () => {
    const job = await insertJob(h.deps.prisma, circuit, { deadline: deadlineIn(600_000) });
    const inbox = await listen<ProverEvent>(h, channels.prover(h.redisPrefix, fresh.id));
    const result = await openAuction(h.deps, job.id, 1);
    expect(result).toMatchObject({ status: 'opened', invited: 2, closesAt: clock.now() + 1_000 });
    const auction = await h.deps.prisma.auction.findUniqueOrThrow({ where: { id: result.auctionId! } });
    expect(new Set(auction.invitedProverIds)).toEqual(new Set([fresh.id, other.id]));
    expect(auction.invitedProverIds).not.toContain(stale.id);
    expect(auction.invitedProverIds).not.toContain(unstaked.id);
    expect(auction.invitedProverIds).not.toContain(small.id);
    expect(await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'auctioning',
      round: 1,
    });
    const [invitation] = await inbox.until((events) => events.length > 0);
    expect(invitation).toMatchObject({
      type: 'invitation',
      auctionId: auction.id,
      jobId: job.id,
      round: 1,
      maxFee: (10n ** 16n).toString(),
      collateral: requiredCollateral(10n ** 16n).toString(),
      constraints: 508,
    });
    await inbox.close();
    const queued = await h.queues.queues.auctions.getJob(`close-auction.${auction.id}`);
    expect(queued?.data).toEqual({ auctionId: auction.id });
  });

  it('opens a round once, however often it is asked', async () => {
    const job = await insertJob(h.deps.prisma, circuit, { deadline: deadlineIn(600_000) });
    const results = await Promise.all([1, 2, 3].map(() => openAuction(h.deps, job.id, 1)));
    expect(results.filter((r) => r.status === 'opened')).toHaveLength(1);
    expect(await h.deps.prisma.auction.count({ where: { jobId: job.id } })).toBe(1);
    expect(await h.deps.prisma.jobEvent.count({ where: { jobId: job.id, toStatus: 'auctioning' } })).toBe(1);
    expect(await openAuction(h.deps, job.id, 2)).toEqual({ status: 'stale' });
  });

  it('expires a job whose deadline has passed instead of opening a round', async () => {
    const job = await insertJob(h.deps.prisma, circuit, { deadline: deadlineIn(-1) });
    expect(await openAuction(h.deps, job.id, 1)).toEqual({ status: 'expired' });
    expect(await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'expired',
      statusReason: 'deadline_passed',
    });
  });
});

describe('closeAuction', () => {
  it('awards the best bid: collateral locked, assignment with a deadline, award pushed, losers told', async () => {
    const maxFee = 10n ** 16n;
    const job = await insertJob(h.deps.prisma, circuit, {
      deadline: deadlineIn(600_000),
      maxFeeWei: maxFee,
      input: { pixels: [1, 2, 3] },
    });
    const { auctionId } = await openAuction(h.deps, job.id, 1);
    const winnerInbox = await listen<ProverEvent>(h, channels.prover(h.redisPrefix, fresh.id));
    const loserInbox = await listen<ProverEvent>(h, channels.prover(h.redisPrefix, other.id));
    const expiresAt = Math.floor(clock.now() / 1000) + 600;
    const bid = async (prover: ProverView, index: number, price: bigint) =>
      placeBid(h.deps, {
        auctionId: auctionId!,
        proverAddress: prover.address,
        price,
        etaMs: 5_000,
        expiresAt,
        signature: await signBid(h, proverKeys[index]!, {
          chainJobId: job.chainJobId!,
          price,
          etaMs: 5_000,
          expiresAt,
        }),
      });
    await bid(fresh, 0, maxFee / 2n);
    await bid(other, 1, maxFee / 4n);

    expect(await closeAuction(h.deps, auctionId!)).toMatchObject({ status: 'not_due' });
    clock.advance(1_000);
    const before = await h.deps.prisma.prover.findUniqueOrThrow({ where: { id: other.id } });
    const result = await closeAuction(h.deps, auctionId!);
    expect(result).toMatchObject({ status: 'awarded', proverId: other.id });

    const assignment = await h.deps.prisma.assignment.findUniqueOrThrow({
      where: { id: result.assignmentId! },
    });
    expect(assignment).toMatchObject({ status: 'awarded', proverId: other.id, round: 1 });
    expect(assignment.priceWei.toFixed()).toBe((maxFee / 4n).toString());
    expect(assignment.deadline.getTime()).toBe(clock.now() + 7_500); // 1.5 × eta
    const after = await h.deps.prisma.prover.findUniqueOrThrow({ where: { id: other.id } });
    expect(BigInt(after.collateralLockedWei.toFixed()) - BigInt(before.collateralLockedWei.toFixed())).toBe(
      requiredCollateral(maxFee),
    );
    expect(await h.deps.prisma.auction.findUniqueOrThrow({ where: { id: auctionId! } })).toMatchObject({
      status: 'awarded',
    });
    expect(await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'assigned',
    });
    const [award] = await loserInbox.until((events) => events.some((e) => e.type === 'award'));
    expect(award).toMatchObject({
      type: 'award',
      assignmentId: assignment.id,
      jobId: job.id,
      chainJobId: job.chainJobId,
      price: (maxFee / 4n).toString(),
      input: { pixels: [1, 2, 3] },
    });
    const [cancellation] = await winnerInbox.until((events) => events.length > 0);
    expect(cancellation).toMatchObject({ type: 'cancellation', jobId: job.id, reason: 'lost' });
    await Promise.all([winnerInbox.close(), loserInbox.close()]);
    expect(await h.queues.queues.deadlines.getJob(`assignment-deadline.${assignment.id}`)).toBeDefined();
    expect(await closeAuction(h.deps, auctionId!)).toEqual({ status: 'closed' });
  });

  it('never gives a prover more assignments than its concurrency when rounds close at once', async () => {
    const solo = await registerDevProver(h, proverKeys[5]!, { maxConcurrency: 1 });
    const jobs = await Promise.all(
      [0, 1, 2].map(() => insertJob(h.deps.prisma, circuit, { deadline: deadlineIn(600_000) })),
    );
    const rounds = await Promise.all(jobs.map((job) => openAuction(h.deps, job.id, 1)));
    const expiresAt = Math.floor(clock.now() / 1000) + 600;
    await Promise.all(
      jobs.map(async (job, i) =>
        placeBid(h.deps, {
          auctionId: rounds[i]!.auctionId!,
          proverAddress: solo.address,
          price: 1_000n,
          etaMs: 5_000,
          expiresAt,
          signature: await signBid(h, proverKeys[5]!, {
            chainJobId: job.chainJobId!,
            price: 1_000n,
            etaMs: 5_000,
            expiresAt,
          }),
        }),
      ),
    );
    clock.advance(1_000);
    const closed = await Promise.all(rounds.map((r) => closeAuction(h.deps, r.auctionId!)));
    expect(closed.filter((c) => c.status === 'awarded')).toHaveLength(1);
    expect(closed.filter((c) => c.status === 'no_bids')).toHaveLength(2);
    expect(await h.deps.prisma.assignment.count({ where: { proverId: solo.id } })).toBe(1);
  });

  it('keeps auctioning a job past maxRounds empty rounds while its deadline is ahead (a busy market is no failure)', async () => {
    const busy = await createMarketHarness({
      now: clock.now,
      config: { auctionWindowMs: 1_000, maxRounds: 2 },
    });
    try {
      const tiny = (await insertTinyCircuit(busy.deps.prisma)).row;
      const job = await insertJob(busy.deps.prisma, tiny, { deadline: deadlineIn(600_000) });
      for (let round = 1; round <= 5; round++) {
        const opened = await openAuction(busy.deps, job.id, round);
        expect(opened.status).toBe('opened');
        clock.set(opened.closesAt!);
        const closed = await closeAuction(busy.deps, opened.auctionId!);
        expect(closed).toMatchObject({ status: 'no_bids', nextRound: round + 1 });
        clock.set(closed.nextOpensAt!); // a freed slot would wake it even sooner
      }
      expect(await busy.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
        status: 'auctioning',
        round: 6,
      });
    } finally {
      await busy.close();
    }
  });

  it('re-opens a round without bids with backoff, then expires the job at its deadline', async () => {
    const t0 = clock.now();
    const job = await insertJob(h.deps.prisma, circuit, { deadline: new Date(t0 + 6_000) });
    const rounds: number[] = [];
    let round = 1;
    for (;;) {
      const opened = await openAuction(h.deps, job.id, round);
      expect(opened.status).toBe('opened');
      rounds.push(clock.now() - t0);
      clock.set(opened.closesAt!);
      const closed = await closeAuction(h.deps, opened.auctionId!);
      expect(closed.status).toBe('no_bids');
      if (closed.nextRound === undefined) break;
      const queued = await h.queues.queues.auctions.getJob(`open-auction.${job.id}.${closed.nextRound}`);
      expect(queued?.opts.delay).toBe(closed.nextOpensAt! - clock.now());
      clock.set(closed.nextOpensAt!);
      round = closed.nextRound;
    }
    // 1 s window, backoff 1 s then capped so the last round still leaves 1 s to prove.
    expect(rounds).toEqual([0, 2_000, 4_000]);
    expect(await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'expired',
      statusReason: 'no_bids_before_deadline',
      round: 3,
    });
    const auctions = await h.deps.prisma.auction.findMany({ where: { jobId: job.id } });
    expect(auctions.map((a) => a.status)).toEqual(['no_bids', 'no_bids', 'no_bids']);
  });
});
