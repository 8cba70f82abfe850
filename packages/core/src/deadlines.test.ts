import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignmentDeadline,
  auctionClosesAt,
  defaultDeadlinePolicy,
  isJobExpired,
  jobDeadline,
  nextAuctionRound,
  reauctionDelayMs,
} from './deadlines.ts';
import { isTenderError } from './TenderError.ts';

const NOW = 1_700_000_000_000;
const policy = defaultDeadlinePolicy;

describe('jobDeadline', () => {
  it('gives ten minutes when the requester names no deadline', () => {
    expect(jobDeadline(NOW, undefined)).toBe(NOW + 600_000);
  });

  it('keeps a requested deadline within the allowed window', () => {
    expect(jobDeadline(NOW, NOW + 10_000)).toBe(NOW + 10_000);
  });

  it('rejects a deadline too soon or too far with TENDER_DEADLINE_INVALID (400)', () => {
    for (const bad of [NOW + 9_999, NOW + policy.maxJobWindowMs + 1, Number.NaN]) {
      try {
        jobDeadline(NOW, bad);
        expect.unreachable();
      } catch (error) {
        expect(isTenderError(error, 'TENDER_DEADLINE_INVALID')).toBe(true);
        expect((error as { status: number }).status).toBe(400);
      }
    }
  });
});

describe('isJobExpired', () => {
  it('expires a job exactly at its deadline, not before', () => {
    expect(isJobExpired(NOW, NOW - 1)).toBe(false);
    expect(isJobExpired(NOW, NOW)).toBe(true);
  });
});

describe('assignmentDeadline', () => {
  it('gives 1.5× the promised eta', () => {
    expect(assignmentDeadline({ now: NOW, etaMs: 10_000, jobDeadlineAt: NOW + 60_000 })).toBe(NOW + 15_000);
  });

  it('never runs past the job deadline', () => {
    expect(assignmentDeadline({ now: NOW, etaMs: 50_000, jobDeadlineAt: NOW + 60_000 })).toBe(NOW + 60_000);
  });

  it('is never after the job deadline and never before the promised time when that fits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (eta, left) => {
          const deadline = assignmentDeadline({ now: NOW, etaMs: eta, jobDeadlineAt: NOW + left });
          expect(deadline).toBeLessThanOrEqual(NOW + left);
          if (eta <= left) expect(deadline).toBeGreaterThanOrEqual(NOW + eta);
        },
      ),
    );
  });
});

describe('auctionClosesAt', () => {
  it('closes after the window, or at the job deadline if that comes first', () => {
    expect(auctionClosesAt(NOW, NOW + 60_000)).toBe(NOW + 2_000);
    expect(auctionClosesAt(NOW, NOW + 500)).toBe(NOW + 500);
  });
});

describe('re-auction backoff', () => {
  it('waits 1 s, 2 s, 4 s … and never more than 60 s', () => {
    expect([1, 2, 3, 4, 7, 8, 1_000].map((r) => reauctionDelayMs(r))).toEqual([
      1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('rejects round 0', () => {
    expect(() => reauctionDelayMs(0)).toThrowError(/round must be/);
  });

  it('never waits less after a later round', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (round) => {
        expect(reauctionDelayMs(round + 1)).toBeGreaterThanOrEqual(reauctionDelayMs(round));
      }),
    );
  });

  it('re-opens a round with no bids after the backoff', () => {
    expect(nextAuctionRound({ now: NOW, round: 3, jobDeadlineAt: NOW + 60_000 })).toEqual({
      action: 'reopen',
      round: 4,
      opensAt: NOW + 4_000,
    });
  });

  it('cuts the wait short for one last round before the deadline', () => {
    expect(nextAuctionRound({ now: NOW, round: 10, jobDeadlineAt: NOW + 10_000 })).toEqual({
      action: 'reopen',
      round: 11,
      opensAt: NOW + 7_000,
    });
  });

  it('expires the job once no round could close with proving time left', () => {
    expect(nextAuctionRound({ now: NOW + 7_001, round: 11, jobDeadlineAt: NOW + 10_000 })).toEqual({
      action: 'expire',
    });
  });

  it('always ends in expiry, never opens a round that closes after the deadline, never opens in the past', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 3_600_000 }), (windowMs) => {
        const deadline = NOW + windowMs;
        let now = NOW;
        let round = 1;
        for (let steps = 0; ; steps++) {
          expect(steps).toBeLessThan(100_000);
          const next = nextAuctionRound({ now, round, jobDeadlineAt: deadline });
          if (next.action === 'expire') break;
          expect(next.opensAt).toBeGreaterThanOrEqual(now);
          expect(next.opensAt + policy.auctionWindowMs + policy.minProvingWindowMs).toBeLessThanOrEqual(
            deadline,
          );
          expect(next.round).toBe(round + 1);
          now = auctionClosesAt(next.opensAt, deadline);
          round = next.round;
        }
      }),
      { numRuns: 200 },
    );
  });
});
