import { TenderError } from '@tender/core';

/** The slice of Prisma's `Decimal` used here. */
interface DecimalLike {
  toFixed(): string;
}

/**
 * Converts a wei column (Prisma `Decimal`, `numeric(78,0)`) to bigint. Uses
 * `toFixed()`: `toString()` prints large values as `1e+21`.
 */
export function weiFromDecimal(value: DecimalLike): bigint {
  return BigInt(value.toFixed());
}

/**
 * Converts a bigint wei amount to the decimal string Prisma accepts for a
 * `numeric(78,0)` column. Throws `TENDER_AMOUNT_INVALID` for a negative amount.
 */
export function weiToDecimal(value: bigint): string {
  if (value < 0n) {
    throw new TenderError('TENDER_AMOUNT_INVALID', 'wei amount must not be negative', {
      details: { amount: value.toString() },
    });
  }
  return value.toString();
}
