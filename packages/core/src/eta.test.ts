import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etaMs, provingMsPercentile, scaleProvingMs } from './eta.ts';

describe('provingMsPercentile', () => {
  it('takes the nearest-rank percentile of the measurements', () => {
    expect(provingMsPercentile([1_600, 2_400, 1_500])).toBe(2_400);
    expect(provingMsPercentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(provingMsPercentile([7], 0)).toBe(7);
  });

  it('has no estimate without measurements, and ignores broken ones', () => {
    expect(provingMsPercentile([])).toBeNull();
    expect(provingMsPercentile([Number.NaN, -1])).toBeNull();
    expect(provingMsPercentile([Number.NaN, 10])).toBe(10);
  });

  it('always answers one of the samples, between the min and the max', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (s, p) => {
          const answer = provingMsPercentile(s, p);
          expect(s).toContain(answer);
        },
      ),
    );
  });
});

describe('scaleProvingMs', () => {
  it('scales linearly with the constraint count', () => {
    expect(scaleProvingMs(2_000, 10_000, 25_000)).toBe(5_000);
  });

  it('rejects a zero-constraint reference', () => {
    expect(() => scaleProvingMs(2_000, 0, 1)).toThrowError(/knownConstraints > 0/);
  });
});

describe('etaMs', () => {
  const base = {
    provingMsEstimate: 2_000,
    activeAssignments: 0,
    concurrency: 1,
    cached: false,
    fetchMs: 500,
    safetyBps: 2_000,
  };

  it('adds the artifact fetch when not cached and the safety margin', () => {
    expect(etaMs(base)).toBe(3_000);
    expect(etaMs({ ...base, cached: true })).toBe(2_400);
  });

  it('counts full waves of work already queued', () => {
    expect(etaMs({ ...base, cached: true, activeAssignments: 2, concurrency: 2 })).toBe(4_800);
    expect(etaMs({ ...base, cached: true, activeAssignments: 1, concurrency: 2 })).toBe(2_400);
  });

  it('rejects zero concurrency', () => {
    expect(() => etaMs({ ...base, concurrency: 0 })).toThrowError(/out of range/);
  });

  it('never promises less when more work is queued or nothing is cached', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.integer({ min: 1, max: 8 }), fc.nat(100_000), (active, concurrency, ms) => {
        const input = { ...base, provingMsEstimate: ms, activeAssignments: active, concurrency };
        expect(etaMs({ ...input, activeAssignments: active + 1 })).toBeGreaterThanOrEqual(etaMs(input));
        expect(etaMs({ ...input, cached: false })).toBeGreaterThanOrEqual(etaMs({ ...input, cached: true }));
        expect(etaMs(input)).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});
