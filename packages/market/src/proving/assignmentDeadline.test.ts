import type { DevAccount } from '@tender/chain';
import { isTenderError, requiredCollateral, type TenderError } from '@tender/core';
import type { Circuit } from '@tender/db';
import { channels } from '@tender/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAuction } from '../auction/closeAuction.ts';
import { openAuction } from '../auction/openAuction.ts';
import { placeBid } from '../auction/placeBid.ts';
import type { ProverEvent } from '../deps/marketEvents.ts';
import type { ProverView } from '../provers/registerProver.ts';
import {
  insertJob,
  insertTinyCircuit,
  listen,
  proverKeys,
  registerDevProver,
  signBid,
  testClock,
} from '../testing/auctionKit.ts';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { abandonAssignment, assignmentDeadline } from './assignmentDeadline.ts';

const clock = testClock();
const maxFee = 10n ** 16n;
let h: MarketHarness;
let circuit: Circuit;
let alice: ProverView;
let bob: ProverView;
const [aliceKey, bobKey] = proverKeys as [DevAccount, DevAccount];

beforeAll(async () => {
  h = await createMarketHarness({ now: clock.now });
  circuit = (await insertTinyCircuit(h.deps.prisma)).row;
  alice = await registerDevProver(h, aliceKey);
  bob = await registerDevProver(h, bobKey);
});
afterAll(() => h?.close());

async function awardedTo(winner: DevAccount, etaMs = 4_000) {
  const job = await insertJob(h.deps.prisma, circuit, {
    deadline: new Date(clock.now() + 600_000),
    maxFeeWei: maxFee,
  });
  const { auctionId } = await openAuction(h.deps, job.id, 1);
  const bid = { price: maxFee / 2n, etaMs, expiresAt: Math.floor(clock.now() / 1000) + 600 };
  await placeBid(h.deps, {
    auctionId: auctionId!,
    proverAddress: winner.address,
    ...bid,
    signature: await signBid(h, winner, { chainJobId: job.chainJobId!, ...bid }),
  });
  clock.advance(1_000);
  const closed = await closeAuction(h.deps, auctionId!);
  const assignment = await h.deps.prisma.assignment.findUniqueOrThrow({
    where: { id: closed.assignmentId! },
  });
  return { job, assignment };
}

async function refusal(promise: Promise<unknown>): Promise<TenderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isTenderError(error)) throw new Error(`expected a TenderError, got ${String(error)}`);
  return error;
}

const proverRow = (id: string) => h.deps.prisma.prover.findUniqueOrThrow({ where: { id } });
const heartbeatBoth = async () => {
  await registerDevProver(h, aliceKey);
  await registerDevProver(h, bobKey);
};

describe('assignmentDeadline', () => {
  it('re-auctions a job whose prover missed the deadline, without that prover', async () => {
    const { job, assignment } = await awardedTo(aliceKey);
    expect(await assignmentDeadline(h.deps, assignment.id)).toEqual({
      status: 'not_due',
      dueAt: assignment.deadline.getTime(),
    });
    const inbox = await listen<ProverEvent>(h, channels.prover(h.redisPrefix, alice.id));
    const before = await proverRow(alice.id);
    clock.set(assignment.deadline.getTime());
    expect(await assignmentDeadline(h.deps, assignment.id)).toEqual({ status: 'failed_deadline' });

    expect(await h.deps.prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).toMatchObject({
      status: 'failed_deadline',
    });
    const after = await proverRow(alice.id);
    expect(after.collateralLockedWei.toFixed()).toBe('0');
    expect(BigInt(before.collateralTotalWei.toFixed()) - BigInt(after.collateralTotalWei.toFixed())).toBe(
      requiredCollateral(maxFee),
    );
    expect(after.reliability).toBeCloseTo(before.reliability * 0.8, 10);
    expect(await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'auctioning',
      round: 2,
      statusReason: 'deadline_missed',
    });
    await inbox.until((events) => events.some((e) => e.type === 'cancellation'));
    await inbox.close();
    expect(await h.queues.queues.auctions.getJob(`open-auction.${job.id}.2`)).toBeDefined();

    await heartbeatBoth();
    const round2 = await openAuction(h.deps, job.id, 2);
    const auction = await h.deps.prisma.auction.findUniqueOrThrow({ where: { id: round2.auctionId! } });
    expect(auction.invitedProverIds).toEqual([bob.id]);
    // Running it again changes nothing.
    expect(await assignmentDeadline(h.deps, assignment.id)).toEqual({ status: 'finished' });
  });
});

describe('maxRounds', () => {
  it('expires a job as max_rounds_reached once maxRounds awards have failed, not before', async () => {
    const strict = await createMarketHarness({ now: clock.now, config: { maxRounds: 2 } });
    try {
      const tiny = (await insertTinyCircuit(strict.deps.prisma)).row;
      const job = await insertJob(strict.deps.prisma, tiny, {
        deadline: new Date(clock.now() + 600_000),
        maxFeeWei: maxFee,
      });
      const failAward = async (winner: DevAccount, round: number) => {
        await registerDevProver(strict, winner);
        const { auctionId } = await openAuction(strict.deps, job.id, round);
        const bid = { price: maxFee / 2n, etaMs: 4_000, expiresAt: Math.floor(clock.now() / 1000) + 600 };
        await placeBid(strict.deps, {
          auctionId: auctionId!,
          proverAddress: winner.address,
          ...bid,
          signature: await signBid(strict, winner, { chainJobId: job.chainJobId!, ...bid }),
        });
        clock.advance(1_000);
        const closed = await closeAuction(strict.deps, auctionId!);
        const assignment = await strict.deps.prisma.assignment.findUniqueOrThrow({
          where: { id: closed.assignmentId! },
        });
        clock.set(assignment.deadline.getTime());
        expect(await assignmentDeadline(strict.deps, assignment.id)).toEqual({ status: 'failed_deadline' });
      };
      await failAward(aliceKey, 1);
      await failAward(bobKey, 2);
      expect(await openAuction(strict.deps, job.id, 3)).toEqual({ status: 'expired' });
      expect(await strict.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
        status: 'expired',
        statusReason: 'max_rounds_reached',
      });
    } finally {
      await strict.close();
    }
  });
});

describe('abandonAssignment', () => {
  it('lets the prover give a job back: half its collateral forfeited, the job re-auctioned', async () => {
    await heartbeatBoth();
    const { job, assignment } = await awardedTo(bobKey);
    const before = await proverRow(bob.id);
    const theft = await refusal(
      abandonAssignment(h.deps, { assignmentId: assignment.id, proverAddress: alice.address }),
    );
    expect(theft.code).toBe('TENDER_NOT_ASSIGNED_PROVER');

    await abandonAssignment(h.deps, { assignmentId: assignment.id, proverAddress: bob.address });
    expect(await h.deps.prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).toMatchObject({
      status: 'abandoned',
    });
    const after = await proverRow(bob.id);
    expect(after.collateralLockedWei.toFixed()).toBe('0');
    expect(BigInt(before.collateralTotalWei.toFixed()) - BigInt(after.collateralTotalWei.toFixed())).toBe(
      requiredCollateral(maxFee) / 2n,
    );
    expect(after.reliability).toBeCloseTo(before.reliability * 0.9, 10);
    expect(await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'auctioning',
      round: 2,
    });
    const twice = await refusal(
      abandonAssignment(h.deps, { assignmentId: assignment.id, proverAddress: bob.address }),
    );
    expect(twice.code).toBe('TENDER_ASSIGNMENT_NOT_ACTIVE');
    expect(await assignmentDeadline(h.deps, assignment.id)).toEqual({ status: 'finished' });
  });
});
