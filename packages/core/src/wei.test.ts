import { describe, expect, it } from 'vitest';
import { applyBps, ceilDiv, maxWei, minWei } from './wei.ts';

describe('wei helpers', () => {
  it('picks the larger and the smaller amount', () => {
    expect(maxWei(3n, 5n)).toBe(5n);
    expect(minWei(3n, 5n)).toBe(3n);
  });

  it('divides rounding up only when there is a remainder', () => {
    expect(ceilDiv(10n, 5n)).toBe(2n);
    expect(ceilDiv(11n, 5n)).toBe(3n);
    expect(ceilDiv(0n, 5n)).toBe(0n);
  });

  it('applies basis points rounding down by default and up on request', () => {
    expect(applyBps(999n, 250)).toBe(24n);
    expect(applyBps(999n, 250, 'ceil')).toBe(25n);
    expect(applyBps(10n ** 30n, 10_000)).toBe(10n ** 30n);
  });
});
