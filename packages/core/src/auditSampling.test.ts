import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auditDetectionProbability,
  auditOutputHash,
  auditRecordLeaf,
  auditSampleIndices,
  auditSampleSize,
  auditSeed,
} from './auditSampling.ts';
import { keccakWords } from './keccak.ts';

const hex32 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => `0x${Buffer.from(b).toString('hex')}` as const);

describe('auditSampleSize', () => {
  it('is the rate rounded up, at least the floor and at most the count', () => {
    expect(auditSampleSize(100_000, 100, 8)).toBe(1_000);
    expect(auditSampleSize(1_000, 100, 8)).toBe(10);
    expect(auditSampleSize(1_000, 1, 8)).toBe(8);
    expect(auditSampleSize(5, 100, 8)).toBe(5);
    expect(auditSampleSize(101, 100, 1)).toBe(2);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        (count, rate) => {
          const size = auditSampleSize(count, rate, 4);
          expect(size).toBeGreaterThanOrEqual(Math.min(count, 4));
          expect(size).toBeLessThanOrEqual(count);
          expect(size).toBeGreaterThanOrEqual(Math.min(count, (count * rate) / 10_000));
        },
      ),
    );
  });

  it('refuses a zero count and a rate outside 1..10000', () => {
    expect(() => auditSampleSize(0, 100, 1)).toThrow(RangeError);
    expect(() => auditSampleSize(10, 0, 1)).toThrow(RangeError);
    expect(() => auditSampleSize(10, 10_001, 1)).toThrow(RangeError);
  });
});

describe('auditSampleIndices', () => {
  it('are in range, deterministic for a seed, and change with the block hash', () => {
    fc.assert(
      fc.property(hex32, hex32, hex32, fc.integer({ min: 1, max: 1_000_000 }), (bh, bh2, root, count) => {
        fc.pre(bh !== bh2);
        const a = auditSampleIndices(auditSeed(bh, root), 16, count);
        expect(a.every((i) => Number.isInteger(i) && i >= 0 && i < count)).toBe(true);
        expect(auditSampleIndices(auditSeed(bh, root), 16, count)).toEqual(a);
        if (count > 1_000) expect(auditSampleIndices(auditSeed(bh2, root), 16, count)).not.toEqual(a);
      }),
      { numRuns: 50 },
    );
  });

  it('spreads over the records (every decile of 10,000 records gets 5–15 % of 2,000 draws)', () => {
    const seed = auditSeed(keccakWords(1n), keccakWords(2n));
    const counts = new Array(10).fill(0) as number[];
    for (const i of auditSampleIndices(seed, 2_000, 10_000)) counts[Math.floor(i / 1_000)]! += 1;
    for (const c of counts) {
      expect(c).toBeGreaterThan(100);
      expect(c).toBeLessThan(300);
    }
  });
});

describe('auditDetectionProbability', () => {
  it('matches 1 − (1 − b/n)^s and grows with the sample and the cheat count', () => {
    expect(auditDetectionProbability({ count: 100_000, sampleSize: 1_000, badCount: 100 })).toBeCloseTo(
      1 - (1 - 0.001) ** 1_000,
      12,
    );
    // the example: 10,000 manipulated of 1M at 1 % → escapes with p ≈ e^-100
    const p = auditDetectionProbability({ count: 1_000_000, sampleSize: 10_000, badCount: 10_000 });
    expect(1 - p).toBeLessThan(1e-40);
    expect(auditDetectionProbability({ count: 10, sampleSize: 3, badCount: 0 })).toBe(0);
    expect(auditDetectionProbability({ count: 10, sampleSize: 1, badCount: 10 })).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1e6 }), fc.integer({ min: 1, max: 5000 }), (n, s) => {
        const a = auditDetectionProbability({ count: n, sampleSize: s, badCount: 1 });
        const b = auditDetectionProbability({ count: n, sampleSize: s + 1, badCount: 1 });
        const c = auditDetectionProbability({ count: n, sampleSize: s, badCount: 2 });
        expect(b).toBeGreaterThanOrEqual(a);
        expect(c).toBeGreaterThanOrEqual(a);
      }),
    );
  });
});

describe('audit records', () => {
  it('a record leaf binds every field', () => {
    const base = {
      index: 7,
      circuitId: keccakWords(1n),
      inputHash: keccakWords(2n),
      outputHash: auditOutputHash([3n]),
    };
    const leaf = auditRecordLeaf(base);
    expect(auditRecordLeaf({ ...base, index: 8 })).not.toBe(leaf);
    expect(auditRecordLeaf({ ...base, circuitId: keccakWords(9n) })).not.toBe(leaf);
    expect(auditRecordLeaf({ ...base, inputHash: keccakWords(9n) })).not.toBe(leaf);
    expect(auditRecordLeaf({ ...base, outputHash: auditOutputHash([4n]) })).not.toBe(leaf);
  });
});
