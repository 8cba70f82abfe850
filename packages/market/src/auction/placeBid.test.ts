import { type DevAccount, devAccounts } from '@tender/chain';
import { isTenderError, type TenderError } from '@tender/core';
import type { Circuit, Job } from '@tender/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProverView } from '../provers/registerProver.ts';
import {
  insertJob,
  insertTinyCircuit,
  proverKeys,
  registerDevProver,
  signBid,
  testClock,
} from '../testing/auctionKit.ts';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { openAuction } from './openAuction.ts';
import { type PlaceBidInput, placeBid } from './placeBid.ts';

const clock = testClock();
const maxFee = 10n ** 16n;
let h: MarketHarness;
let circuit: Circuit;
let alice: ProverView;
let bob: ProverView;
const [aliceKey, bobKey, lateKey] = proverKeys as [DevAccount, DevAccount, DevAccount];

beforeAll(async () => {
  h = await createMarketHarness({ now: clock.now, config: { auctionWindowMs: 2_000 } });
  circuit = (await insertTinyCircuit(h.deps.prisma)).row;
  alice = await registerDevProver(h, aliceKey, { priceFloorWei: 10n ** 14n });
  bob = await registerDevProver(h, bobKey);
});
afterAll(() => h?.close());

async function openJob(deadlineInMs = 600_000): Promise<{ job: Job; auctionId: string }> {
  const job = await insertJob(h.deps.prisma, circuit, {
    deadline: new Date(clock.now() + deadlineInMs),
    maxFeeWei: maxFee,
  });
  const opened = await openAuction(h.deps, job.id, 1);
  return { job, auctionId: opened.auctionId! };
}

async function signed(
  job: Job,
  auctionId: string,
  signer: DevAccount,
  fields: Partial<Omit<PlaceBidInput, 'signature' | 'auctionId'>> = {},
): Promise<PlaceBidInput> {
  const bid = {
    proverAddress: signer.address,
    price: maxFee / 2n,
    etaMs: 5_000,
    expiresAt: Math.floor(clock.now() / 1000) + 600,
    ...fields,
  };
  const signature = await signBid(h, signer, { chainJobId: job.chainJobId!, ...bid });
  return { auctionId, ...bid, signature };
}

async function refusal(promise: Promise<unknown>): Promise<TenderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isTenderError(error)) throw new Error(`expected a TenderError, got ${String(error)}`);
  return error;
}

describe('placeBid', () => {
  it('records a signed bid of an invited prover, and a new bid replaces the old one', async () => {
    const { job, auctionId } = await openJob();
    const first = await placeBid(h.deps, await signed(job, auctionId, aliceKey));
    expect(first).toMatchObject({
      auctionId,
      jobId: job.id,
      proverId: alice.id,
      priceWei: (maxFee / 2n).toString(),
    });
    expect(first.score).toBeGreaterThan(0);
    const second = await placeBid(h.deps, await signed(job, auctionId, aliceKey, { price: maxFee / 3n }));
    expect(second.priceWei).toBe((maxFee / 3n).toString());
    const stored = await h.deps.prisma.bid.findMany({ where: { auctionId } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.priceWei.toFixed()).toBe((maxFee / 3n).toString());
  });

  it('refuses a bid whose signature is forged, by another key, or over other terms', async () => {
    const { job, auctionId } = await openJob();
    const byBob = await signed(job, auctionId, bobKey);
    // Bob's signature presented as Alice's bid: the signer is not the bidder.
    const asAlice = { ...byBob, proverAddress: alice.address };
    expect((await refusal(placeBid(h.deps, asAlice))).code).toBe('TENDER_SIGNATURE_INVALID');
    // Alice's signature over one price, sent with another.
    const tampered = { ...(await signed(job, auctionId, aliceKey)), price: maxFee / 10n };
    expect((await refusal(placeBid(h.deps, tampered))).code).toBe('TENDER_SIGNATURE_INVALID');
    // Garbage.
    const garbage = { ...(await signed(job, auctionId, aliceKey)), signature: '0x1234' as const };
    expect((await refusal(placeBid(h.deps, garbage))).code).toBe('TENDER_SIGNATURE_INVALID');
    // Signed for another job.
    const other = await openJob();
    const elsewhere = { ...(await signed(other.job, other.auctionId, aliceKey)), auctionId };
    expect((await refusal(placeBid(h.deps, elsewhere))).code).toBe('TENDER_SIGNATURE_INVALID');
    expect(await h.deps.prisma.bid.count({ where: { auctionId } })).toBe(0);
  });

  it('refuses a bid over the max fee, below the floor, too slow for the deadline, or already expired', async () => {
    const { job, auctionId } = await openJob(60_000);
    const reasonOf = async (signer: DevAccount, fields: Partial<PlaceBidInput>) => {
      const error = await refusal(placeBid(h.deps, await signed(job, auctionId, signer, fields)));
      expect(error.code).toBe('TENDER_BID_REJECTED');
      return error.details['reason'];
    };
    expect(await reasonOf(bobKey, { price: maxFee + 1n })).toBe('over_max_fee');
    expect(await reasonOf(aliceKey, { price: 10n ** 14n - 1n })).toBe('below_price_floor');
    expect(await reasonOf(bobKey, { etaMs: 61_000 })).toBe('cannot_meet_deadline');
    expect(await reasonOf(bobKey, { expiresAt: Math.floor(clock.now() / 1000) - 1 })).toBe('bid_expired');
    expect(await h.deps.prisma.bid.count({ where: { auctionId } })).toBe(0);
  });

  it('refuses a prover that was not invited, and any bid after the round closes', async () => {
    const { job, auctionId } = await openJob();
    await registerDevProver(h, lateKey); // registered after the round opened
    const uninvited = await refusal(placeBid(h.deps, await signed(job, auctionId, lateKey)));
    expect(uninvited.code).toBe('TENDER_PROVER_NOT_ELIGIBLE');
    const stranger = await refusal(placeBid(h.deps, await signed(job, auctionId, devAccounts.challenger)));
    expect(stranger.code).toBe('TENDER_PROVER_NOT_FOUND');

    const onTime = await signed(job, auctionId, bobKey);
    clock.advance(2_000);
    const late = await refusal(placeBid(h.deps, onTime));
    expect(late.code).toBe('TENDER_AUCTION_CLOSED');
    expect(await h.deps.prisma.bid.count({ where: { auctionId } })).toBe(0);
    expect(bob.id).toBeDefined();
  });

  it('refuses malformed fields before anything else', async () => {
    const { job, auctionId } = await openJob();
    const good = await signed(job, auctionId, bobKey);
    for (const bad of [{ etaMs: 0 }, { etaMs: 1.5 }, { price: -1n }, { proverAddress: 'nope' }]) {
      expect((await refusal(placeBid(h.deps, { ...good, ...bad }))).code).toBe('TENDER_VALIDATION_FAILED');
    }
    const missing = await refusal(
      placeBid(h.deps, { ...good, auctionId: '00000000-0000-7000-8000-000000000000' }),
    );
    expect(missing.code).toBe('TENDER_AUCTION_NOT_FOUND');
  });
});
