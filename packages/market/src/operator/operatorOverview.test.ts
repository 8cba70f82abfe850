import { marketFee } from '@tender/core';
import type { JobStatus, TenderPrisma } from '@tender/db';
import {
  createTestDatabase,
  insertCircuit,
  insertProver,
  insertRequester,
  randomHex,
  type TestDatabase,
} from '@tender/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMarketConfig } from '../deps/marketConfig.ts';
import { type OperatorOverviewDeps, operatorOverview } from './operatorOverview.ts';

const NOW = Date.parse('2030-01-01T12:00:00Z');
const at = (msAgo: number) => new Date(NOW - msAgo);

let db: TestDatabase;
let deps: OperatorOverviewDeps;
beforeAll(async () => {
  db = await createTestDatabase();
  deps = { prisma: db.prisma, config: { ...defaultMarketConfig, feeBps: 250 }, now: () => NOW };
});
afterAll(() => db.drop());

/** A job in `status`, with an assignment (own auction round) when `price` is given. */
async function seedJob(
  prisma: TenderPrisma,
  opts: {
    requesterId: string;
    circuitId: string;
    status: JobStatus;
    proverId?: string;
    price?: bigint;
    assignment?: 'awarded' | 'proving' | 'accepted' | 'failed_invalid';
    provenAt?: Date;
    verifiedAt?: Date;
    updatedAt?: Date;
  },
) {
  const job = await prisma.job.create({
    data: {
      requesterId: opts.requesterId,
      circuitId: opts.circuitId,
      input: { in: [1, 2] },
      inputHash: randomHex(32),
      maxFeeWei: '1000000000000000000000000000000000',
      deadline: at(-3_600_000),
      status: opts.status,
      round: opts.price === undefined ? 0 : 1,
      provenAt: opts.provenAt ?? null,
      verifiedAt: opts.verifiedAt ?? null,
      ...(opts.updatedAt ? { updatedAt: opts.updatedAt } : {}),
    },
  });
  if (opts.price !== undefined && opts.proverId !== undefined) {
    const auction = await prisma.auction.create({
      data: { jobId: job.id, round: 1, status: 'awarded', opensAt: at(10_000), closesAt: at(9_000) },
    });
    await prisma.assignment.create({
      data: {
        jobId: job.id,
        auctionId: auction.id,
        proverId: opts.proverId,
        round: 1,
        priceWei: opts.price.toString(),
        collateralLockedWei: '0',
        deadline: at(-60_000),
        status: opts.assignment ?? 'accepted',
      },
    });
  }
  return job;
}

describe('operatorOverview', () => {
  it('reports an empty market as zeros, with no gas per proof yet', async () => {
    const o = await operatorOverview(deps);
    expect(o.generatedAt).toBe(NOW);
    expect(o.jobs.total).toBe(0);
    expect(o.jobs.byStatus).toMatchObject({ submitted: 0, verified: 0, rejected: 0 });
    expect(Object.keys(o.jobs.byStatus)).toHaveLength(10);
    expect(o.batches).toMatchObject({
      confirmedProofs: 0,
      confirmedGasUsed: 0,
      gasPerProof: null,
      recent: [],
    });
    expect(o.slashes.slashedWei).toBe('0');
    expect(o.money).toEqual({
      escrowSettledWei: '0',
      paidToProversWei: '0',
      feesEarnedWei: '0',
      awaitingSettlementWei: '0',
      collateralLockedWei: '0',
    });
    expect(o.provers).toEqual({ total: 0, alive: 0, list: [] });
  });

  it('counts jobs, provers, batches, slashes, money and throughput from the rows', async () => {
    const { prisma } = db;
    const requester = await insertRequester(prisma);
    const circuit = await insertCircuit(prisma);
    const fresh = await insertProver(prisma);
    await prisma.prover.update({
      where: { id: fresh.id },
      data: {
        lastHeartbeatAt: at(1_000),
        stakeWei: '5000000000000000000',
        collateralLockedWei: '7',
        reliability: 0.9,
      },
    });
    const stale = await insertProver(prisma, { kind: 'gpu' });
    await prisma.prover.update({
      where: { id: stale.id },
      data: { lastHeartbeatAt: at(defaultMarketConfig.heartbeatTtlMs + 1) },
    });

    // Prices chosen so that flooring the fee on the requester's sum in the batch (what the contract does)
    // differs from flooring it per job, and one is far beyond 2^64 to prove the sum is exact.
    const p1 = 1039n;
    const p2 = 10n ** 30n + 1039n;
    const common = { requesterId: requester.id, circuitId: circuit.id, proverId: fresh.id };
    const v1 = await seedJob(prisma, { ...common, status: 'verified', price: p1, verifiedAt: at(30_000) });
    const v2 = await seedJob(prisma, { ...common, status: 'verified', price: p2, verifiedAt: at(1_800_000) });
    await seedJob(prisma, { ...common, status: 'proven', price: 500n, provenAt: at(10_000) });
    await seedJob(prisma, { ...common, status: 'assigned', price: 400n, assignment: 'proving' });
    const fresh1 = await seedJob(prisma, { ...common, status: 'submitted', updatedAt: at(-1) });
    await prisma.auction.create({
      data: { jobId: fresh1.id, round: 1, status: 'open', opensAt: at(100), closesAt: at(-900) },
    });

    const confirmed = await prisma.batch.create({
      data: {
        status: 'confirmed',
        size: 2,
        txHash: randomHex(32),
        blockNumber: 42n,
        gasUsed: 600_001n,
        confirmedAt: at(30_000),
        createdAt: at(40_000),
        items: { create: [v1, v2].map((j, leafIndex) => ({ jobId: j.id, leafIndex })) },
      },
    });
    await prisma.batch.create({ data: { status: 'pending', size: 3, createdAt: at(5_000) } });
    await prisma.slash.create({
      data: {
        proverId: stale.id,
        jobId: v1.id,
        evidence: { reason: 'test' },
        evidenceHash: randomHex(32),
        status: 'confirmed',
        slashedWei: '1000000000000000000',
        challengerRewardWei: '500000000000000000',
        requesterRewardWei: '500000000000000000',
        createdAt: at(20_000),
      },
    });
    await prisma.slash.create({
      data: {
        proverId: stale.id,
        jobId: v1.id,
        evidence: { reason: 'test' },
        evidenceHash: randomHex(32),
        createdAt: at(10_000),
      },
    });

    const o = await operatorOverview(deps);

    expect(o.jobs.total).toBe(5);
    expect(o.jobs.byStatus).toMatchObject({ verified: 2, proven: 1, assigned: 1, submitted: 1, expired: 0 });
    expect(o.auctions.open).toBe(1);

    expect(o.provers.total).toBe(2);
    expect(o.provers.alive).toBe(1);
    expect(o.provers.list.map((p) => [p.address, p.alive, p.activeAssignments])).toEqual([
      [fresh.address, true, 1],
      [stale.address, false, 0],
    ]);
    expect(o.provers.list[0]).toMatchObject({
      kind: 'cpu',
      reliability: 0.9,
      stakeWei: '5000000000000000000',
      collateralLockedWei: '7',
      collateralTotalWei: (10n ** 18n).toString(),
    });

    expect(o.recentJobs[0]).toMatchObject({ id: fresh1.id, status: 'submitted', priceWei: null });
    const v1Row = o.recentJobs.find((j) => j.id === v1.id);
    expect(v1Row).toMatchObject({
      status: 'verified',
      circuitName: 'test circuit',
      priceWei: '1039',
      proverAddress: fresh.address,
    });

    expect(o.batches.byStatus).toEqual({ pending: 1, submitted: 0, confirmed: 1, failed: 0 });
    expect(o.batches.confirmedProofs).toBe(2);
    expect(o.batches.confirmedGasUsed).toBe(600_001);
    expect(o.batches.gasPerProof).toBe(300_001);
    expect(o.batches.recent.map((b) => b.status)).toEqual(['pending', 'confirmed']);
    expect(o.batches.recent[1]).toMatchObject({
      id: confirmed.id,
      txHash: confirmed.txHash,
      blockNumber: 42,
      gasUsed: 600_001,
      gasPerProof: 300_001,
    });
    expect(o.batches.recent[0]).toMatchObject({ gasUsed: null, gasPerProof: null, txHash: null });

    expect(o.slashes.byStatus).toEqual({ pending: 1, submitted: 0, confirmed: 1, failed: 0 });
    expect(o.slashes.slashedWei).toBe('1000000000000000000');
    expect(o.slashes.recent.map((s) => [s.status, s.proverAddress])).toEqual([
      ['pending', stale.address],
      ['confirmed', stale.address],
    ]);

    const fees = marketFee(p1 + p2, 250);
    expect(fees).not.toBe(marketFee(p1, 250) + marketFee(p2, 250));
    expect(o.money).toEqual({
      paidToProversWei: (p1 + p2).toString(),
      feesEarnedWei: fees.toString(),
      escrowSettledWei: (p1 + p2 + fees).toString(),
      awaitingSettlementWei: '500',
      collateralLockedWei: '7',
    });

    expect(o.throughput).toEqual({
      verifiedLastMinute: 1,
      verifiedLastHour: 2,
      provenLastMinute: 1,
      provenLastHour: 1,
    });
  });

  it('charges the fee once per confirmed batch and requester, on the sum of its prices, as the contract does', async () => {
    const { prisma } = db;
    const before = (await operatorOverview(deps)).money;
    const [alice, bob] = [await insertRequester(prisma), await insertRequester(prisma)];
    const circuit = await insertCircuit(prisma);
    const prover = await insertProver(prisma);
    // 39 wei → a fee of 0.975 wei per job, floored to 0; two jobs of one requester in one batch → 1 wei.
    const job = (requester: { id: string }) =>
      seedJob(prisma, {
        requesterId: requester.id,
        circuitId: circuit.id,
        proverId: prover.id,
        status: 'verified',
        price: 39n,
        verifiedAt: at(5_000),
      });
    const [a1, a2, b1, a3] = [await job(alice), await job(alice), await job(bob), await job(alice)];
    const batch = (status: 'confirmed' | 'failed', jobs: { id: string }[]) =>
      prisma.batch.create({
        data: {
          status,
          size: jobs.length,
          items: { create: jobs.map((j, leafIndex) => ({ jobId: j.id, leafIndex })) },
        },
      });
    // a1 was first in a batch that failed and was bisected; it settled with a2 and b1.
    await batch('failed', [a1, a3]);
    await batch('confirmed', [a1, a2, b1]); // alice 78 → fee 1, bob 39 → fee 0
    await batch('confirmed', [a3]); // alice 39 → fee 0
    // A verified job with no confirmed batch row: its fee is floored on its own price (0).
    await job(alice);

    const after = (await operatorOverview(deps)).money;
    const delta = (k: 'paidToProversWei' | 'feesEarnedWei' | 'escrowSettledWei') =>
      BigInt(after[k]) - BigInt(before[k]);
    expect(delta('paidToProversWei')).toBe(5n * 39n);
    expect(delta('feesEarnedWei')).toBe(1n);
    expect(delta('escrowSettledWei')).toBe(5n * 39n + 1n);
  });
});
