import { isTenderError } from '@tender/core';
import type { Prover } from '@tender/db';
import {
  createTestDatabase,
  insertCircuit,
  insertProver,
  insertRequester,
  randomHex,
  type TestDatabase,
} from '@tender/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NewBid, recordBid } from './recordBid.ts';

let db: TestDatabase;
let prover: Prover;
let openAuction: (closesInMs?: number) => Promise<string>;

beforeAll(async () => {
  db = await createTestDatabase();
  const requester = await insertRequester(db.prisma);
  const circuit = await insertCircuit(db.prisma);
  prover = await insertProver(db.prisma);
  openAuction = async (closesInMs = 60_000) => {
    const job = await db.prisma.job.create({
      data: {
        requesterId: requester.id,
        circuitId: circuit.id,
        input: {},
        inputHash: randomHex(32),
        maxFeeWei: '1000',
        deadline: new Date(Date.now() + 600_000),
        status: 'auctioning',
        round: 1,
      },
    });
    const auction = await db.prisma.auction.create({
      data: { jobId: job.id, round: 1, opensAt: new Date(), closesAt: new Date(Date.now() + closesInMs) },
    });
    return auction.id;
  };
});
afterAll(() => db?.drop());

function bid(auctionId: string, overrides: Partial<NewBid> = {}): NewBid {
  return {
    auctionId,
    proverId: prover.id,
    priceWei: 900n,
    etaMs: 3_000,
    collateralWei: 10n ** 20n,
    expiresAt: new Date(Date.now() + 30_000),
    signature: randomHex(65),
    ...overrides,
  };
}

describe('recordBid', () => {
  it('records a bid in an open auction with exact wei', async () => {
    const auctionId = await openAuction();

    const recorded = await recordBid(db.prisma, bid(auctionId));

    expect(recorded).toMatchObject({
      auctionId,
      proverId: prover.id,
      priceWei: 900n,
      collateralWei: 10n ** 20n,
    });
  });

  it("replaces a prover's earlier bid in the same auction instead of adding a second", async () => {
    const auctionId = await openAuction();
    const first = await recordBid(db.prisma, bid(auctionId, { priceWei: 950n }));

    const second = await recordBid(db.prisma, bid(auctionId, { priceWei: 800n }));

    expect(second.id).toBe(first.id);
    const bids = await db.prisma.bid.findMany({ where: { auctionId } });
    expect(bids).toHaveLength(1);
    expect(bids[0]!.priceWei.toFixed()).toBe('800');
  });

  it('refuses a bid once the auction is no longer open', async () => {
    const auctionId = await openAuction();
    await db.prisma.auction.update({ where: { id: auctionId }, data: { status: 'awarded' } });

    const error = await recordBid(db.prisma, bid(auctionId)).catch((e: unknown) => e);

    expect(isTenderError(error, 'TENDER_AUCTION_CLOSED')).toBe(true);
    expect(await db.prisma.bid.count({ where: { auctionId } })).toBe(0);
  });

  it('refuses a bid after the bidding window closed, even before the closer ran', async () => {
    const auctionId = await openAuction(1_000);

    const error = await recordBid(db.prisma, bid(auctionId, { now: new Date(Date.now() + 2_000) })).catch(
      (e: unknown) => e,
    );

    expect(isTenderError(error, 'TENDER_AUCTION_CLOSED')).toBe(true);
  });

  it('reports an unknown auction', async () => {
    const error = await recordBid(db.prisma, bid('00000000-0000-7000-8000-000000000000')).catch(
      (e: unknown) => e,
    );
    expect(isTenderError(error, 'TENDER_AUCTION_NOT_FOUND')).toBe(true);
  });
});
