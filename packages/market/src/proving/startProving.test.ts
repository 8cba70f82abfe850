import type { DevAccount } from '@tender/chain';
import { isTenderError, type TenderError } from '@tender/core';
import type { Circuit } from '@tender/db';
import { channels } from '@tender/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAuction } from '../auction/closeAuction.ts';
import { openAuction } from '../auction/openAuction.ts';
import { placeBid } from '../auction/placeBid.ts';
import type { JobEvent } from '../deps/marketEvents.ts';
import { loadJobView } from '../jobs/jobViews.ts';
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
import { startProving } from './startProving.ts';

const clock = testClock();
const maxFee = 10n ** 16n;
let h: MarketHarness;
let circuit: Circuit;
const [aliceKey, bobKey] = proverKeys as [DevAccount, DevAccount];

beforeAll(async () => {
  h = await createMarketHarness({ now: clock.now });
  circuit = (await insertTinyCircuit(h.deps.prisma)).row;
  await registerDevProver(h, aliceKey);
  await registerDevProver(h, bobKey);
});
afterAll(() => h?.close());

async function awardedTo(winner: DevAccount) {
  const job = await insertJob(h.deps.prisma, circuit, {
    deadline: new Date(clock.now() + 600_000),
    maxFeeWei: maxFee,
  });
  const { auctionId } = await openAuction(h.deps, job.id, 1);
  const bid = { price: maxFee / 2n, etaMs: 4_000, expiresAt: Math.floor(clock.now() / 1000) + 600 };
  await placeBid(h.deps, {
    auctionId: auctionId!,
    proverAddress: winner.address,
    ...bid,
    signature: await signBid(h, winner, { chainJobId: job.chainJobId!, ...bid }),
  });
  clock.advance(1_000);
  const closed = await closeAuction(h.deps, auctionId!);
  return { job, assignmentId: closed.assignmentId! };
}

async function refusal(promise: Promise<unknown>): Promise<TenderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isTenderError(error)) throw new Error(`expected a TenderError, got ${String(error)}`);
  return error;
}

describe('startProving', () => {
  it('moves the assignment and the job to proving, logs it and tells the job followers', async () => {
    const { job, assignmentId } = await awardedTo(aliceKey);
    const followers = await listen<JobEvent>(h, channels.job(h.redisPrefix, job.id));
    try {
      expect(await startProving(h.deps, { assignmentId, proverAddress: aliceKey.address })).toEqual({
        assignmentId,
        status: 'proving',
      });
      const assignment = await h.deps.prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } });
      expect(assignment.status).toBe('proving');
      const row = await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
      expect(row.status).toBe('proving');
      const events = await h.deps.prisma.jobEvent.findMany({
        where: { jobId: job.id },
        orderBy: { id: 'asc' },
      });
      expect(events.at(-1)).toMatchObject({ fromStatus: 'assigned', toStatus: 'proving' });
      await followers.until((e) => e.some((x) => x.status === 'proving'));
      const view = await loadJobView(h.deps, job.id);
      expect(view.status).toBe('proving');
    } finally {
      await followers.close();
    }
  });

  it('is idempotent, and the prover can still give a proving job back', async () => {
    const { job, assignmentId } = await awardedTo(aliceKey);
    await startProving(h.deps, { assignmentId, proverAddress: aliceKey.address });
    await startProving(h.deps, { assignmentId, proverAddress: aliceKey.address });
    const moves = await h.deps.prisma.jobEvent.count({ where: { jobId: job.id, toStatus: 'proving' } });
    expect(moves).toBe(1);
    await abandonAssignment(h.deps, { assignmentId, proverAddress: aliceKey.address });
    const row = await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.status).toBe('auctioning');
  });

  it('still fails a proving assignment at its deadline and re-auctions the job', async () => {
    const { job, assignmentId } = await awardedTo(aliceKey);
    await startProving(h.deps, { assignmentId, proverAddress: aliceKey.address });
    const { deadline } = await h.deps.prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } });
    clock.advance(deadline.getTime() - clock.now() + 1);
    expect(await assignmentDeadline(h.deps, assignmentId)).toEqual({ status: 'failed_deadline' });
    expect((await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('auctioning');
  });

  it('refuses another prover, an unknown assignment and an ended one, changing nothing', async () => {
    const { job, assignmentId } = await awardedTo(aliceKey);
    expect((await refusal(startProving(h.deps, { assignmentId, proverAddress: bobKey.address }))).code).toBe(
      'TENDER_NOT_ASSIGNED_PROVER',
    );
    expect(
      (
        await refusal(
          startProving(h.deps, {
            assignmentId: '00000000-0000-7000-8000-000000000000',
            proverAddress: aliceKey.address,
          }),
        )
      ).code,
    ).toBe('TENDER_ASSIGNMENT_NOT_FOUND');
    expect((await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('assigned');
    await abandonAssignment(h.deps, { assignmentId, proverAddress: aliceKey.address });
    expect(
      (await refusal(startProving(h.deps, { assignmentId, proverAddress: aliceKey.address }))).code,
    ).toBe('TENDER_ASSIGNMENT_NOT_ACTIVE');
  });
});
