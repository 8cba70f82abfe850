import { etaMs } from '@tender/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BidSituation, decideBid, defaultBidPolicy } from './bidDecision.ts';

const now = 1_700_000_000_000;
const situation = (over: Partial<BidSituation> = {}): BidSituation => ({
  now,
  invitation: {
    maxFee: (10n ** 16n).toString(),
    jobDeadline: now + 600_000,
    closesAt: now + 1_000,
    constraints: 500,
  },
  concurrency: 1,
  running: 0,
  outstandingBids: 0,
  maxConstraints: 1_000_000,
  cached: true,
  measuredMs: 800,
  stopping: false,
  ...over,
});

describe('decideBid', () => {
  it('bids its measured time plus the per-proof overhead with the safety margin, priced from the proving time', () => {
    const d = decideBid(situation());
    // (800 ms measured + 1 000 ms overhead) × 1.5; price: 0.8 s × 1e12 wei/s + 20 %.
    expect(d).toEqual({ bid: true, price: 960_000_000_000n, etaMs: 2_700, provingMsEstimate: 800 });
    expect(decideBid(situation(), { ...defaultBidPolicy, overheadMs: 0 })).toMatchObject({ etaMs: 1_200 });
  });

  it('never bids beyond capacity: running work and undecided bids both count', () => {
    expect(decideBid(situation({ running: 1 }))).toEqual({ bid: false, reason: 'at_capacity' });
    expect(decideBid(situation({ outstandingBids: 1 }))).toEqual({ bid: false, reason: 'at_capacity' });
    expect(decideBid(situation({ concurrency: 3, running: 1, outstandingBids: 1 })).bid).toBe(true);
  });

  it('skips circuits larger than it takes, jobs it cannot finish in time, and fees below its price', () => {
    const inv = situation().invitation;
    expect(decideBid(situation({ maxConstraints: 100 }))).toEqual({ bid: false, reason: 'too_large' });
    expect(decideBid(situation({ invitation: { ...inv, jobDeadline: now + 1_500 } }))).toEqual({
      bid: false,
      reason: 'too_slow',
    });
    expect(decideBid(situation({ invitation: { ...inv, maxFee: '1000' } }))).toEqual({
      bid: false,
      reason: 'too_expensive',
    });
  });

  it('guesses from the constraint count before it has measured the circuit, and counts the download', () => {
    const d = decideBid(situation({ measuredMs: null, cached: false }));
    const guess = defaultBidPolicy.guessBaseMs + 500 * defaultBidPolicy.guessMsPerConstraint;
    expect(d).toMatchObject({ bid: true, provingMsEstimate: guess });
    const { fetchMs, overheadMs } = defaultBidPolicy;
    if (d.bid) expect(d.etaMs).toBe(Math.ceil(((guess + overheadMs + fetchMs) * 15_000) / 10_000));
  });

  it('takes one job at a time of a circuit it has not measured yet (a guess, and a cold first proof)', () => {
    const unmeasured = { measuredMs: null, concurrency: 4 };
    expect(decideBid(situation(unmeasured)).bid).toBe(true);
    expect(decideBid(situation({ ...unmeasured, running: 1 }))).toEqual({ bid: false, reason: 'measuring' });
    expect(decideBid(situation({ ...unmeasured, outstandingBids: 1 }))).toEqual({
      bid: false,
      reason: 'measuring',
    });
    expect(decideBid(situation({ concurrency: 4, running: 1, outstandingBids: 2 })).bid).toBe(true);
  });

  it('does not bid once stopping or after the auction closed', () => {
    expect(decideBid(situation({ stopping: true }))).toEqual({ bid: false, reason: 'stopping' });
    expect(decideBid(situation({ now: now + 1_000 }))).toEqual({ bid: false, reason: 'closed' });
  });

  it('any bid it places respects capacity, the max fee, the floor and the job deadline', () => {
    fc.assert(
      fc.property(
        fc.record({
          concurrency: fc.integer({ min: 1, max: 8 }),
          running: fc.integer({ min: 0, max: 8 }),
          outstandingBids: fc.integer({ min: 0, max: 8 }),
          measuredMs: fc.option(fc.integer({ min: 0, max: 120_000 })),
          cached: fc.boolean(),
          maxFee: fc.bigInt({ min: 0n, max: 10n ** 18n }),
          deadlineIn: fc.integer({ min: 0, max: 600_000 }),
          floor: fc.bigInt({ min: 0n, max: 10n ** 15n }),
        }),
        (r) => {
          const s = situation({
            concurrency: r.concurrency,
            running: r.running,
            outstandingBids: r.outstandingBids,
            measuredMs: r.measuredMs,
            cached: r.cached,
            invitation: {
              ...situation().invitation,
              maxFee: r.maxFee.toString(),
              jobDeadline: now + r.deadlineIn,
            },
          });
          const d = decideBid(s, { ...defaultBidPolicy, priceFloorWei: r.floor });
          if (!d.bid) return;
          expect(r.running + r.outstandingBids).toBeLessThan(r.concurrency);
          if (r.measuredMs === null) expect(r.running + r.outstandingBids).toBe(0);
          expect(d.price).toBeLessThanOrEqual(r.maxFee);
          expect(d.price).toBeGreaterThanOrEqual(r.floor);
          expect(s.invitation.closesAt + d.etaMs).toBeLessThanOrEqual(s.invitation.jobDeadline);
          expect(d.etaMs).toBeGreaterThanOrEqual(
            etaMs({
              provingMsEstimate: d.provingMsEstimate + defaultBidPolicy.overheadMs,
              activeAssignments: 0,
              concurrency: 1,
              cached: true,
              fetchMs: 0,
              safetyBps: 0,
            }),
          );
        },
      ),
    );
  });
});
