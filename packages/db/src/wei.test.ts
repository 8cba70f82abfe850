import { Decimal } from '@prisma/client/runtime/client';
import { isTenderError } from '@tender/core';
import { describe, expect, it } from 'vitest';
import { weiFromDecimal, weiToDecimal } from './wei.ts';

describe('wei conversions', () => {
  it('round-trips amounts that toString() would print in exponent notation', () => {
    for (const wei of [0n, 1n, 10n ** 21n, 2n ** 256n - 1n]) {
      const decimal = new Decimal(weiToDecimal(wei));
      expect(weiFromDecimal(decimal)).toBe(wei);
    }
    expect(new Decimal('1000000000000000000000').toString()).toBe('1e+21');
  });

  it('refuses a negative amount', () => {
    let error: unknown;
    try {
      weiToDecimal(-1n);
    } catch (e) {
      error = e;
    }
    expect(isTenderError(error, 'TENDER_AMOUNT_INVALID')).toBe(true);
  });
});
