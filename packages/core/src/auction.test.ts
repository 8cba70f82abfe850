import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuctionContext,
  assertBidAcceptable,
  type Bid,
  compareScoredBids,
  defaultAuctionPolicy,
  pickWinner,
  proversByAddress,
  type ScoredBid,
  scoreBid,
} from './auction.ts';
import { requiredCollateral } from './collateral.ts';
import { isEligible, type JobSnapshot, type ProverSnapshot } from './eligibility.ts';
import { isTenderError } from './TenderError.ts';

const ETH = 10n ** 18n;
const NOW = 1_700_000_000_000;
const FEE = ETH / 100n; // 0.01 ETH
const REQUIRED = requiredCollateral(FEE); // 0.015 ETH

const job: JobSnapshot = {
  id: 'job-1',
  circuitId: 'circuit-mnist',
  constraints: 9_500,
  memoryMb: 512,
  maxFeeWei: FEE,
  deadlineAt: NOW + 60_000,
  excludedProvers: [],
};

function prover(address: string, overrides: Partial<ProverSnapshot> = {}): ProverSnapshot {
  return {
    address,
    kind: 'gpu',
    stakeWei: ETH,
    lastHeartbeatAt: NOW - 1_000,
    activeAssignments: 0,
    concurrency: 2,
    collateral: { totalWei: ETH, lockedWei: 0n },
    maxConstraints: 1_000_000,
    memoryMb: 16_384,
    reliability: 0.9,
    priceFloorWei: 0n,
    cachedCircuitIds: [],
    ...overrides,
  };
}

function bid(proverAddress: string, overrides: Partial<Bid> = {}): Bid {
  return {
    id: `bid-${proverAddress}`,
    jobId: job.id,
    prover: proverAddress,
    priceWei: FEE / 2n,
    etaMs: 15_000,
    collateralWei: REQUIRED,
    submittedAt: NOW - 5_000,
    expiresAt: NOW + 60_000,
    ...overrides,
  };
}

function context(provers: ProverSnapshot[], overrides: Partial<AuctionContext> = {}): AuctionContext {
  return { job, now: NOW, provers: proversByAddress(provers), ...overrides };
}

describe('scoreBid', () => {
  const p = prover('0xaa', { priceFloorWei: FEE / 10n });
  const ctx = context([p]);

  it('scores with the documented formula, in whole millionths', () => {
    const cached = context([prover('0xaa', { cachedCircuitIds: ['circuit-mnist'] })]);
    const verdict = scoreBid(bid('0xaa'), cached);
    expect(verdict).toMatchObject({
      accepted: true,
      breakdown: { pricePpm: 500_000, timePpm: 750_000, reliabilityPpm: 900_000, cached: true },
      // 50·0.5 + 25·0.75 + 20·0.9 + 5 = 66.75 points
      score: 66_750_000,
    });
  });

  it.each<[string, Partial<Bid>, string]>([
    ['for another job', { jobId: 'job-2' }, 'job_mismatch'],
    ['with a negative price', { priceWei: -1n }, 'invalid_bid'],
    ['with a zero eta', { etaMs: 0 }, 'invalid_bid'],
    ['with a fractional eta', { etaMs: 1.5 }, 'invalid_bid'],
    ['that expired', { expiresAt: NOW }, 'bid_expired'],
    ['above the max fee', { priceWei: FEE + 1n }, 'over_max_fee'],
    ['below the prover price floor', { priceWei: FEE / 10n - 1n }, 'below_price_floor'],
    [
      'pledging less than the required collateral',
      { collateralWei: REQUIRED - 1n },
      'collateral_below_required',
    ],
    ['pledging more collateral than is free', { collateralWei: ETH + 1n }, 'collateral_unavailable'],
    ['promising a proof after the deadline', { etaMs: 60_001 }, 'cannot_meet_deadline'],
  ])('rejects a bid %s', (_what, overrides, reason) => {
    expect(scoreBid(bid('0xaa', overrides), ctx)).toMatchObject({ accepted: false, reason });
  });

  it('accepts a bid exactly at the max fee, at the floor and exactly on the deadline', () => {
    expect(scoreBid(bid('0xaa', { priceWei: FEE, etaMs: 60_000 }), ctx)).toMatchObject({
      accepted: true,
      breakdown: { pricePpm: 0, timePpm: 0 },
    });
    expect(scoreBid(bid('0xaa', { priceWei: FEE / 10n }), ctx).accepted).toBe(true);
  });

  it('rejects a bid from an unknown prover', () => {
    expect(scoreBid(bid('0xbb'), ctx)).toMatchObject({ accepted: false, reason: 'unknown_prover' });
  });

  it('rejects a bid from an ineligible prover and says why it is ineligible', () => {
    const dead = context([prover('0xaa', { lastHeartbeatAt: NOW - 60_000 })]);
    expect(scoreBid(bid('0xaa'), dead)).toMatchObject({
      accepted: false,
      reason: 'prover_ineligible',
      ineligibility: 'heartbeat_stale',
    });
  });

  it('matches the prover whatever the case of the address', () => {
    expect(scoreBid(bid('0xAA'), ctx).accepted).toBe(true);
  });
});

describe('pickWinner', () => {
  it('has no winner without bids', () => {
    expect(pickWinner([], context([prover('0xaa')]))).toEqual({ winner: null, ranked: [], rejected: [] });
  });

  it('has no winner when every bid is rejected', () => {
    const result = pickWinner([bid('0xaa', { priceWei: FEE + 1n })], context([prover('0xaa')]));
    expect(result.winner).toBeNull();
    expect(result.rejected.map((r) => r.reason)).toEqual(['over_max_fee']);
  });

  it('lets a fast, reliable, cached prover beat a slower cheaper one (the README example)', () => {
    const fast = prover('0xaa', { reliability: 0.95, cachedCircuitIds: ['circuit-mnist'] });
    const cheap = prover('0xbb', { reliability: 0.8 });
    const result = pickWinner(
      [
        bid('0xbb', { priceWei: (FEE * 4n) / 10n, etaMs: 40_000 }),
        bid('0xaa', { priceWei: (FEE * 6n) / 10n, etaMs: 10_000 }),
      ],
      context([fast, cheap]),
    );
    expect(result.winner?.bid.prover).toBe('0xaa');
    expect(result.ranked.map((r) => r.score)).toEqual([64_833_325, 54_333_325]);
  });

  it('prefers a prover that caches the artifacts when all else is equal', () => {
    const result = pickWinner(
      [bid('0xaa'), bid('0xbb')],
      context([prover('0xaa'), prover('0xbb', { cachedCircuitIds: ['circuit-mnist'] })]),
    );
    expect(result.winner?.bid.prover).toBe('0xbb');
  });

  it('breaks a tie by the earlier bid, then by the lower address', () => {
    const provers = context([prover('0xaa'), prover('0xbb')]);
    expect(
      pickWinner([bid('0xaa', { submittedAt: NOW - 1 }), bid('0xbb', { submittedAt: NOW - 2 })], provers)
        .winner?.bid.prover,
    ).toBe('0xbb');
    expect(pickWinner([bid('0xbb'), bid('0xaa')], provers).winner?.bid.prover).toBe('0xaa');
  });

  it('breaks an equal score by the lower price first', () => {
    const scored = (id: string, priceWei: bigint): ScoredBid => ({
      bid: bid(id, { priceWei }),
      score: 1,
      breakdown: { pricePpm: 0, timePpm: 0, reliabilityPpm: 0, cached: false },
    });
    expect(compareScoredBids(scored('0xaa', 2n), scored('0xbb', 1n))).toBeGreaterThan(0);
  });
});

describe('assertBidAcceptable', () => {
  it('throws TENDER_BID_REJECTED with the stable reason', () => {
    try {
      assertBidAcceptable(bid('0xaa', { priceWei: FEE + 1n }), context([prover('0xaa')]));
      expect.unreachable();
    } catch (error) {
      expect(isTenderError(error, 'TENDER_BID_REJECTED')).toBe(true);
      expect((error as { status: number }).status).toBe(422);
      expect((error as { details: unknown }).details).toEqual({
        reason: 'over_max_fee',
        bidId: 'bid-0xaa',
        prover: '0xaa',
      });
    }
  });

  it('returns the score of an acceptable bid', () => {
    expect(assertBidAcceptable(bid('0xaa'), context([prover('0xaa')])).score).toBeGreaterThan(0);
  });
});

// ---------- property tests ----------

const proverFlaws = [
  'stake',
  'heartbeat',
  'capacity',
  'collateral',
  'size',
  'memory',
  'kind',
  'excluded',
] as const;
const bidFlaws = ['over_fee', 'below_floor', 'expired', 'late', 'low_collateral', 'unknown'] as const;

/** One of `flaws` about one time in six, otherwise null (a sound prover or bid). */
function sometimes<T>(flaws: readonly T[]): fc.Arbitrary<T | null> {
  return fc.oneof(
    { arbitrary: fc.constant(null), weight: 5 },
    { arbitrary: fc.constantFrom(...flaws), weight: 1 },
  );
}

/** Mostly the same `common` value (so scores tie and tie-breaks get exercised), else any. */
function often<T>(common: T, any: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: fc.constant(common), weight: 3 }, { arbitrary: any, weight: 1 });
}

interface Scenario {
  job: JobSnapshot;
  provers: ProverSnapshot[];
  bids: Bid[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    maxFeeWei: fc.bigInt({ min: 1n, max: ETH }),
    timeLeftMs: fc.integer({ min: 1, max: 3_600_000 }),
    proverKind: fc.constantFrom(undefined, 'gpu' as const),
    entries: fc.uniqueArray(
      fc.record({
        addressNo: fc.integer({ min: 1, max: 50 }),
        flaw: sometimes(proverFlaws),
        bidFlaw: sometimes(bidFlaws),
        reliability: often(0.9, fc.double({ min: 0, max: 1, noNaN: true })),
        cached: often(false, fc.boolean()),
        floorPerMille: often(0, fc.integer({ min: 0, max: 1_000 })),
        pricePerMille: often(500, fc.integer({ min: 0, max: 1_000 })),
        etaPerMille: often(250, fc.integer({ min: 1, max: 1_000 })),
        submittedAgoMs: often(0, fc.integer({ min: 0, max: 5 })),
        extraCollateral: fc.bigInt({ min: 0n, max: 3n }),
      }),
      { maxLength: 8, selector: (e) => e.addressNo },
    ),
  })
  .map(({ maxFeeWei, timeLeftMs, proverKind, entries }) => {
    const required = requiredCollateral(maxFeeWei);
    const jobSnapshot: JobSnapshot = {
      ...job,
      maxFeeWei,
      deadlineAt: NOW + timeLeftMs,
      ...(proverKind === undefined ? {} : { proverKind }),
      excludedProvers: entries.filter((e) => e.flaw === 'excluded').map((e) => addressOf(e.addressNo)),
    };
    const provers: ProverSnapshot[] = [];
    const bids: Bid[] = [];
    for (const e of entries) {
      const address = addressOf(e.addressNo);
      const floor = (maxFeeWei * BigInt(e.floorPerMille)) / 1_000n;
      provers.push(
        prover(address, {
          reliability: e.reliability,
          priceFloorWei: floor,
          cachedCircuitIds: e.cached ? ['circuit-mnist'] : [],
          collateral: { totalWei: required * 2n, lockedWei: e.flaw === 'collateral' ? required + 1n : 0n },
          ...(e.flaw === 'stake' ? { stakeWei: defaultAuctionPolicy.minStakeWei - 1n } : {}),
          ...(e.flaw === 'heartbeat'
            ? { lastHeartbeatAt: NOW - defaultAuctionPolicy.heartbeatTtlMs - 1 }
            : {}),
          ...(e.flaw === 'capacity' ? { activeAssignments: 2 } : {}),
          ...(e.flaw === 'size' ? { maxConstraints: job.constraints - 1 } : {}),
          ...(e.flaw === 'memory' ? { memoryMb: job.memoryMb - 1 } : {}),
          ...(e.flaw === 'kind' ? { kind: 'cpu' as const } : {}),
        }),
      );
      const price = floor + ((maxFeeWei - floor) * BigInt(e.pricePerMille)) / 1_000n;
      const eta = Math.max(1, Math.floor((timeLeftMs * e.etaPerMille) / 1_000));
      bids.push(
        bid(e.bidFlaw === 'unknown' ? addressOf(e.addressNo + 100) : address, {
          id: `bid-${e.addressNo}`,
          priceWei:
            e.bidFlaw === 'over_fee'
              ? maxFeeWei + 1n
              : e.bidFlaw === 'below_floor' && floor > 0n
                ? floor - 1n
                : price,
          etaMs: e.bidFlaw === 'late' ? timeLeftMs + 1 : eta,
          collateralWei: e.bidFlaw === 'low_collateral' ? required - 1n : required + e.extraCollateral,
          submittedAt: NOW - e.submittedAgoMs,
          expiresAt: e.bidFlaw === 'expired' ? NOW : NOW + 10_000,
          jobId: jobSnapshot.id,
        }),
      );
    }
    return { job: jobSnapshot, provers, bids };
  });

function addressOf(n: number): string {
  return `0x${n.toString(16).padStart(40, '0')}`;
}

function ctxOf(s: Scenario): AuctionContext {
  return { job: s.job, now: NOW, provers: proversByAddress(s.provers) };
}

function replaceBid(bids: Bid[], id: string, change: Partial<Bid>): Bid[] {
  return bids.map((b) => (b.id === id ? { ...b, ...change } : b));
}

describe('auction properties', () => {
  it('never picks an ineligible prover, a bid over the max fee, below the floor or past the deadline', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const result = pickWinner(s.bids, ctxOf(s));
        expect(result.ranked.length + result.rejected.length).toBe(s.bids.length);
        if (result.winner === null) return;
        const w = result.winner.bid;
        const p = s.provers.find((x) => x.address === w.prover);
        expect(p).toBeDefined();
        expect(isEligible(p!, s.job, NOW)).toBe(true);
        expect(w.priceWei <= s.job.maxFeeWei).toBe(true);
        expect(w.priceWei >= p!.priceFloorWei).toBe(true);
        expect(NOW + w.etaMs <= s.job.deadlineAt).toBe(true);
        expect(w.expiresAt > NOW).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('finds a winner whenever some bid is acceptable', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const anyAccepted = s.bids.some((b) => scoreBid(b, ctxOf(s)).accepted);
        expect(pickWinner(s.bids, ctxOf(s)).winner !== null).toBe(anyAccepted);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same result whatever the order of the bids', () => {
    const withShuffle = scenarioArb.chain((s) =>
      fc
        .shuffledSubarray(s.bids, { minLength: s.bids.length, maxLength: s.bids.length })
        .map((shuffled) => ({ s, shuffled })),
    );
    fc.assert(
      fc.property(withShuffle, ({ s, shuffled }) => {
        const a = pickWinner(s.bids, ctxOf(s));
        const b = pickWinner(shuffled, ctxOf(s));
        expect(b.winner?.bid.id).toBe(a.winner?.bid.id);
        expect(b.ranked.map((r) => r.bid.id)).toEqual(a.ranked.map((r) => r.bid.id));
        expect(new Set(b.rejected.map((r) => `${r.bid.id}:${r.reason}`))).toEqual(
          new Set(a.rejected.map((r) => `${r.bid.id}:${r.reason}`)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never makes the winner lose by lowering its price (down to its floor)', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 1_000 }), (s, perMille) => {
        const winner = pickWinner(s.bids, ctxOf(s)).winner;
        fc.pre(winner !== null);
        const floor = s.provers.find((p) => p.address === winner!.bid.prover)!.priceFloorWei;
        const lower = floor + ((winner!.bid.priceWei - floor) * BigInt(perMille)) / 1_000n;
        const again = pickWinner(replaceBid(s.bids, winner!.bid.id, { priceWei: lower }), ctxOf(s));
        expect(again.winner?.bid.id).toBe(winner!.bid.id);
      }),
      { numRuns: 300 },
    );
  });

  it('never makes the winner lose by raising its reliability', () => {
    fc.assert(
      fc.property(scenarioArb, fc.double({ min: 0, max: 1, noNaN: true }), (s, share) => {
        const winner = pickWinner(s.bids, ctxOf(s)).winner;
        fc.pre(winner !== null);
        const provers = s.provers.map((p) =>
          p.address === winner!.bid.prover
            ? { ...p, reliability: p.reliability + (1 - p.reliability) * share }
            : p,
        );
        const again = pickWinner(s.bids, { job: s.job, now: NOW, provers: proversByAddress(provers) });
        expect(again.winner?.bid.id).toBe(winner!.bid.id);
      }),
      { numRuns: 300 },
    );
  });

  it('never lets a losing bid win by raising its price', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 1_000 }), (s, perMille) => {
        const result = pickWinner(s.bids, ctxOf(s));
        const loser = result.ranked[1];
        fc.pre(loser !== undefined);
        const higher =
          loser!.bid.priceWei + ((s.job.maxFeeWei - loser!.bid.priceWei) * BigInt(perMille)) / 1_000n;
        const again = pickWinner(replaceBid(s.bids, loser!.bid.id, { priceWei: higher }), ctxOf(s));
        expect(again.winner?.bid.id).toBe(result.winner?.bid.id);
      }),
      { numRuns: 300 },
    );
  });
});
