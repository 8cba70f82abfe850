import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssignmentOutcome } from './assignmentLifecycle.ts';
import { clampReliability, defaultReliabilityPolicy, updateReliability } from './reliability.ts';

const outcomes: AssignmentOutcome[] = [
  'accepted',
  'failed_invalid',
  'failed_deadline',
  'abandoned',
  'cancelled',
];
const unit = fc.double({ min: 0, max: 1, noNaN: true });

describe('updateReliability', () => {
  it('moves a share of the way to 1 on an accepted proof', () => {
    expect(updateReliability(0.5, 'accepted')).toBeCloseTo(0.525, 12);
  });

  it('halves the score on an invalid proof and takes a fifth on a missed deadline', () => {
    expect(updateReliability(0.5, 'failed_invalid')).toBeCloseTo(0.25, 12);
    expect(updateReliability(0.5, 'failed_deadline')).toBeCloseTo(0.4, 12);
  });

  it('leaves the score alone when the requester cancelled', () => {
    expect(updateReliability(0.7, 'cancelled')).toBe(0.7);
  });

  it('rejects a score outside 0..1', () => {
    expect(() => updateReliability(1.2, 'accepted')).toThrowError(/score must be a number in 0\.\.1/);
    expect(() => updateReliability(Number.NaN, 'accepted')).toThrowError(/score/);
  });

  it('stays within 0..1 over any sequence of outcomes', () => {
    fc.assert(
      fc.property(unit, fc.array(fc.constantFrom(...outcomes), { maxLength: 200 }), (start, sequence) => {
        let score = start;
        for (const outcome of sequence) {
          score = updateReliability(score, outcome);
          expect(score >= 0 && score <= 1).toBe(true);
        }
      }),
    );
  });

  it('never lowers the score on success and never raises it on a failure', () => {
    fc.assert(
      fc.property(unit, (score) => {
        expect(updateReliability(score, 'accepted')).toBeGreaterThanOrEqual(score);
        for (const failure of ['failed_invalid', 'failed_deadline', 'abandoned'] as const) {
          expect(updateReliability(score, failure)).toBeLessThanOrEqual(score);
        }
      }),
    );
  });

  it('punishes an invalid proof at least as hard as a missed deadline, and that at least as hard as abandoning', () => {
    fc.assert(
      fc.property(unit, (score) => {
        const invalid = updateReliability(score, 'failed_invalid');
        const missed = updateReliability(score, 'failed_deadline');
        const abandoned = updateReliability(score, 'abandoned');
        expect(invalid).toBeLessThanOrEqual(missed);
        expect(missed).toBeLessThanOrEqual(abandoned);
      }),
    );
  });

  it('keeps the order of two provers after the same outcome', () => {
    fc.assert(
      fc.property(unit, unit, fc.constantFrom(...outcomes), (a, b, outcome) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(updateReliability(low, outcome)).toBeLessThanOrEqual(updateReliability(high, outcome));
      }),
    );
  });

  it('starts new provers in the middle', () => {
    expect(defaultReliabilityPolicy.initial).toBe(0.5);
  });
});

describe('clampReliability', () => {
  it('forces values into 0..1 and treats non-numbers as no trust', () => {
    expect(clampReliability(1.5)).toBe(1);
    expect(clampReliability(-1)).toBe(0);
    expect(clampReliability(Number.NaN)).toBe(0);
    expect(clampReliability(0.3)).toBe(0.3);
  });
});
