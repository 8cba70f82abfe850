import { netSettlement, type SettledItem } from '@tender/core';
import {
  createTestDatabase,
  insertCircuit,
  insertProver,
  insertRequester,
  randomHex,
  type TestDatabase,
} from '@tender/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settledMoney } from './settledMoney.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** Stores one verified job, settled in `batchId`, priced `priceWei`. */
async function verifiedJob(
  batchId: string,
  leafIndex: number,
  requesterId: string,
  proverId: string,
  priceWei: bigint,
) {
  const p = db.prisma;
  const circuit = await insertCircuit(p);
  const now = new Date();
  const job = await p.job.create({
    data: {
      requesterId,
      circuitId: circuit.id,
      input: {},
      inputHash: randomHex(32),
      maxFeeWei: (priceWei * 2n).toString(),
      deadline: new Date(now.getTime() + 600_000),
      status: 'verified',
      round: 1,
    },
  });
  const auction = await p.auction.create({
    data: { jobId: job.id, round: 1, status: 'awarded', opensAt: now, closesAt: now },
  });
  await p.assignment.create({
    data: {
      jobId: job.id,
      auctionId: auction.id,
      proverId,
      round: 1,
      priceWei: priceWei.toString(),
      collateralLockedWei: '0',
      deadline: now,
      status: 'accepted',
    },
  });
  await p.batchItem.create({ data: { batchId, jobId: job.id, leafIndex } });
}

describe('settledMoney (SQL) against core netSettlement (the fee rule)', () => {
  it('sums payouts and fees exactly as core settles each confirmed batch, flooring the fee per requester per batch', async () => {
    const feeBps = 250;
    const [alice, bob] = [await insertRequester(db.prisma), await insertRequester(db.prisma)];
    const prover = await insertProver(db.prisma);
    // Prices chosen so that flooring per job and per (batch, requester) give different fees.
    const batches: { requester: typeof alice; price: bigint }[][] = [
      [
        { requester: alice, price: 39n },
        { requester: alice, price: 41n },
        { requester: bob, price: 1_000_000_000_000_007n },
      ],
      [
        { requester: bob, price: 13n },
        { requester: bob, price: 27n },
        { requester: alice, price: 399n },
      ],
    ];
    let paid = 0n;
    let fees = 0n;
    for (const items of batches) {
      const batch = await db.prisma.batch.create({ data: { status: 'confirmed', size: items.length } });
      const settled: SettledItem[] = [];
      for (const [k, item] of items.entries()) {
        await verifiedJob(batch.id, k, item.requester.id, prover.id, item.price);
        settled.push({ requester: item.requester.address!, prover: prover.address, priceWei: item.price });
      }
      const core = netSettlement(settled, feeBps);
      paid += core.credits.reduce((sum, c) => sum + c.amountWei, 0n);
      fees += core.treasuryFeeWei;
    }
    expect(await settledMoney(db.prisma, feeBps)).toEqual({ paidWei: paid, feesWei: fees });
    // The rule is not per job: flooring each job's fee on its own would give less here.
    const perJob = batches.flat().reduce((sum, i) => sum + (i.price * BigInt(feeBps)) / 10_000n, 0n);
    expect(perJob).not.toBe(fees);
  });
});
