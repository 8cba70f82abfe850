import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BatchQueueState, decideBatch, defaultBatchPolicy } from './batching.ts';

const NOW = 1_700_000_000_000;
const GWEI = 10n ** 9n;
const cheap = 10n * GWEI;
const dear = 101n * GWEI;

function state(provenCount: number, ageMs: number, gasPriceWei = cheap): BatchQueueState {
  return { provenCount, oldestProvenAt: provenCount > 0 ? NOW - ageMs : null, now: NOW, gasPriceWei };
}

describe('decideBatch', () => {
  it('waits when nothing is proven', () => {
    expect(decideBatch(state(0, 0))).toEqual({ cut: false, reason: 'empty', recheckAt: null });
  });

  it('cuts a full batch of 32 as soon as 32 proofs wait', () => {
    expect(decideBatch(state(32, 0))).toEqual({ cut: true, size: 32, reason: 'full' });
    expect(decideBatch(state(100, 0))).toEqual({ cut: true, size: 32, reason: 'full' });
  });

  it('cuts a partial batch once the oldest proof waited 30 s', () => {
    expect(decideBatch(state(3, 29_999))).toEqual({ cut: false, reason: 'waiting', recheckAt: NOW + 1 });
    expect(decideBatch(state(3, 30_000))).toEqual({ cut: true, size: 3, reason: 'aged' });
  });

  it('holds even a full batch while gas is above the ceiling', () => {
    expect(decideBatch(state(32, 60_000, dear))).toEqual({
      cut: false,
      reason: 'gas_too_high',
      recheckAt: NOW - 60_000 + 600_000,
    });
  });

  it('sends anyway once the oldest proof waited 10 minutes', () => {
    expect(decideBatch(state(5, 600_000, dear))).toEqual({ cut: true, size: 5, reason: 'overdue' });
  });

  it('sends at exactly the ceiling', () => {
    expect(decideBatch(state(32, 0, defaultBatchPolicy.gasPriceCeilingWei)).cut).toBe(true);
  });

  const gas = fc.bigInt({ min: 0n, max: 1_000n * GWEI });
  const count = fc.integer({ min: 0, max: 200 });
  const age = fc.integer({ min: 0, max: 2 * defaultBatchPolicy.gasOverrideAgeMs });

  it('never cuts an empty batch, never more than 32, never more than is proven', () => {
    fc.assert(
      fc.property(count, age, gas, (n, a, g) => {
        const d = decideBatch(state(n, a, g));
        if (n === 0) expect(d.cut).toBe(false);
        if (d.cut) {
          expect(d.size).toBe(Math.min(n, 32));
          expect(d.size).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });

  it('at an acceptable gas price, cuts exactly when full or aged', () => {
    fc.assert(
      fc.property(count, age, fc.bigInt({ min: 0n, max: 100n * GWEI }), (n, a, g) => {
        expect(decideBatch(state(n, a, g)).cut).toBe(n > 0 && (n >= 32 || a >= 30_000));
      }),
    );
  });

  it('above the ceiling, cuts exactly when overdue', () => {
    fc.assert(
      fc.property(count, age, fc.bigInt({ min: 100n * GWEI + 1n, max: 10_000n * GWEI }), (n, a, g) => {
        expect(decideBatch(state(n, a, g)).cut).toBe(n > 0 && a >= 600_000);
      }),
    );
  });

  it('never stops cutting when more proofs wait, they are older, or gas is cheaper', () => {
    fc.assert(
      fc.property(
        count,
        age,
        gas,
        fc.nat(100),
        fc.nat(100_000),
        fc.bigInt({ min: 0n, max: 1_000n * GWEI }),
        (n, a, g, dn, da, dg) => {
          if (!decideBatch(state(n, a, g)).cut) return;
          expect(decideBatch(state(n + dn, a + da, g)).cut).toBe(true);
          expect(decideBatch(state(n, a, g - dg < 0n ? 0n : g - dg)).cut).toBe(true);
        },
      ),
    );
  });

  it('when it waits on a non-empty queue, names a future time at which it would cut', () => {
    fc.assert(
      fc.property(count, age, gas, (n, a, g) => {
        const d = decideBatch(state(n, a, g));
        if (d.cut || d.reason === 'empty') return;
        expect(d.recheckAt).not.toBeNull();
        expect(d.recheckAt!).toBeGreaterThan(NOW);
        const later = decideBatch({ ...state(n, a, g), now: d.recheckAt! });
        expect(later.cut).toBe(true);
      }),
    );
  });
});
