/**
 * Small exact helpers for wei amounts (`bigint`). `Math.max` and friends do
 * not take bigints, and rounding direction matters for money, so it is named.
 */

/** Basis points in one whole: 10 000 bps = 100 %. */
export const BPS_DENOMINATOR = 10_000n;

/** The larger of two wei amounts. */
export function maxWei(a: bigint, b: bigint): bigint {
  return a >= b ? a : b;
}

/** The smaller of two wei amounts. */
export function minWei(a: bigint, b: bigint): bigint {
  return a <= b ? a : b;
}

/** `a / b` rounded up, for non-negative `a` and positive `b`. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * `amountWei × bps / 10 000`, rounded down (`'floor'`, the default) or up (`'ceil'`).
 *
 * @example
 * applyBps(1_000n, 250); // 25n (2.5 %)
 */
export function applyBps(amountWei: bigint, bps: number, rounding: 'floor' | 'ceil' = 'floor'): bigint {
  const product = amountWei * BigInt(bps);
  return rounding === 'ceil' ? ceilDiv(product, BPS_DENOMINATOR) : product / BPS_DENOMINATOR;
}
