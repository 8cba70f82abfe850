import type { DevAccount } from '@tender/chain';
import type { Circuit } from '@tender/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAuction } from '../auction/closeAuction.ts';
import { openAuction } from '../auction/openAuction.ts';
import { placeBid } from '../auction/placeBid.ts';
import {
  insertJob,
  insertTinyCircuit,
  proverKeys,
  registerDevProver,
  signBid,
  testClock,
} from '../testing/auctionKit.ts';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { reconcileQueues } from './reconcileQueues.ts';

const clock = testClock();
let h: MarketHarness;
let circuit: Circuit;
const [aliceKey] = proverKeys as [DevAccount];

beforeAll(async () => {
  h = await createMarketHarness({ now: clock.now });
  circuit = (await insertTinyCircuit(h.deps.prisma)).row;
  await registerDevProver(h, aliceKey);
});
afterAll(() => h?.close());

async function flush(): Promise<void> {
  const keys = await h.redis.keys(`${h.redisPrefix}:*`);
  if (keys.length > 0) await h.redis.del(...keys);
}

describe('reconcileQueues', () => {
  it('re-queues every pending step from Postgres with ids derived from the rows', async () => {
    const deadline = new Date(clock.now() + 600_000);
    const submitted = await insertJob(h.deps.prisma, circuit, { deadline });
    const open = await insertJob(h.deps.prisma, circuit, { deadline });
    const openRound = await openAuction(h.deps, open.id, 1);
    const empty = await insertJob(h.deps.prisma, circuit, { deadline });
    const emptyRound = await openAuction(h.deps, empty.id, 1);
    const held = await insertJob(h.deps.prisma, circuit, { deadline });
    const heldRound = await openAuction(h.deps, held.id, 1);
    const bid = { price: 1_000n, etaMs: 10_000, expiresAt: Math.floor(clock.now() / 1000) + 600 };
    await placeBid(h.deps, {
      auctionId: heldRound.auctionId!,
      proverAddress: aliceKey.address,
      ...bid,
      signature: await signBid(h, aliceKey, { chainJobId: held.chainJobId!, ...bid }),
    });
    clock.advance(1_000);
    const award = await closeAuction(h.deps, heldRound.auctionId!);
    const noBids = await closeAuction(h.deps, emptyRound.auctionId!);
    expect(noBids).toMatchObject({ status: 'no_bids', nextRound: 2 });
    const assignment = await h.deps.prisma.assignment.findUniqueOrThrow({
      where: { id: award.assignmentId! },
    });

    await flush();
    clock.advance(400); // 600 ms of the 1 s backoff still to wait
    const { enqueued } = await reconcileQueues(h.deps);
    expect(enqueued).toBe(4);
    const auctions = h.queues.queues.auctions;
    expect((await auctions.getJob(`open-auction.${submitted.id}.1`))?.data).toEqual({
      jobId: submitted.id,
      round: 1,
    });
    expect((await auctions.getJob(`close-auction.${openRound.auctionId}`))?.data).toEqual({
      auctionId: openRound.auctionId,
    });
    const reopen = await auctions.getJob(`open-auction.${empty.id}.2`);
    expect(reopen?.opts.delay).toBe(600);
    const deadlineJob = await h.queues.queues.deadlines.getJob(`assignment-deadline.${assignment.id}`);
    expect(deadlineJob?.data).toEqual({ assignmentId: assignment.id });
    expect(await h.queues.queues.auctions.count()).toBe(3);

    // Running it again adds nothing new: the ids are the same.
    await reconcileQueues(h.deps);
    expect(await h.queues.queues.auctions.count()).toBe(3);
    expect(await h.queues.queues.deadlines.count()).toBe(1);
  });
});
