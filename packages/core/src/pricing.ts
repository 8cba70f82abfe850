import { TenderError } from './TenderError.ts';
import { applyBps, BPS_DENOMINATOR, ceilDiv, maxWei } from './wei.ts';

/** The marketplace fee by default: 2.5 % of the prices, paid by the requester on top of them. */
export const defaultMarketFeeBps = 250;

/**
 * The marketplace fee on an amount: `floor(priceWei × feeBps / 10 000)`.
 * The market contract applies it once per requester and settlement batch, to
 * the sum of that requester's prices in the batch (see {@link netSettlement}),
 * not to each price. Rounding down means a requester is never charged more
 * than the stated rate.
 *
 * @example
 * marketFee(10n ** 16n, 250); // 2.5e14 wei
 */
export function marketFee(priceWei: bigint, feeBps: number = defaultMarketFeeBps): bigint {
  assertNonNegative('priceWei', priceWei);
  assertFeeBps(feeBps);
  return applyBps(priceWei, feeBps);
}

/** One proven job ready to be paid for: who pays, who is paid, and the awarded price. */
export interface SettledItem {
  readonly requester: string;
  readonly prover: string;
  readonly priceWei: bigint;
}

/** An amount owed by or to one address. */
export interface AddressAmount {
  readonly address: string;
  readonly amountWei: bigint;
}

/** The money of a settlement batch, netted per address. */
export interface Settlement {
  /** What each requester pays out of escrow: the sum of its prices plus their fees. Sorted by address. */
  readonly debits: readonly AddressAmount[];
  /** What each prover is paid: the sum of its prices. Sorted by address. */
  readonly credits: readonly AddressAmount[];
  /** What the treasury keeps: the sum of the per-requester fees. */
  readonly treasuryFeeWei: bigint;
  /** Sum of all debits; always `sum(credits) + treasuryFeeWei`. */
  readonly totalDebitWei: bigint;
}

/**
 * Nets one settlement batch into one debit per requester, one credit per
 * prover and the treasury fee, exactly as `TenderMarket.settleBatch` moves the
 * money: each requester pays the sum `p` of its prices plus
 * `marketFee(p)` = `floor(p × feeBps / 10 000)` (the fee is floored once, on
 * the requester's sum in the batch, not per item), each prover is credited the
 * full sum of its prices, and the fees go to the treasury. Pass the items of
 * one batch: the fee depends on how items are grouped into batches. Addresses
 * are lowercased; an address that is both requester and prover gets a debit
 * and a credit (roles are not netted against each other). Exact:
 * `sum(debits) = sum(credits) + treasuryFeeWei`.
 *
 * @example
 * netSettlement([{ requester: '0xr', prover: '0xp', priceWei: 1000n }], 250);
 * // debits [{ 0xr, 1025n }], credits [{ 0xp, 1000n }], treasuryFeeWei 25n
 */
export function netSettlement(
  items: readonly SettledItem[],
  feeBps: number = defaultMarketFeeBps,
): Settlement {
  assertFeeBps(feeBps);
  const prices = new Map<string, bigint>();
  const credits = new Map<string, bigint>();
  for (const item of items) {
    assertNonNegative('priceWei', item.priceWei);
    add(prices, item.requester.toLowerCase(), item.priceWei);
    add(credits, item.prover.toLowerCase(), item.priceWei);
  }
  let treasuryFeeWei = 0n;
  const debits = sorted(prices).map(({ address, amountWei }) => {
    const fee = marketFee(amountWei, feeBps);
    treasuryFeeWei += fee;
    return { address, amountWei: amountWei + fee };
  });
  return {
    debits,
    credits: sorted(credits),
    treasuryFeeWei,
    totalDebitWei: debits.reduce((sum, d) => sum + d.amountWei, 0n),
  };
}

/** What a prover needs to price a bid from its own measured speed. */
export interface BidPriceInput {
  /** Expected proving time for this job, ms (see `etaMs` / `provingMsPercentile`). */
  readonly provingMsEstimate: number;
  /** The least the prover ever bids, wei. */
  readonly priceFloor: bigint;
  /** Margin on top of cost, bps (2 000 = +20 %). */
  readonly marginBps: number;
  /** What one second of proving costs the prover (hardware, power), wei. */
  readonly costPerSecondWei: bigint;
}

/**
 * A prover's bid price from its measured speed:
 * `max(priceFloor, ceil(ceil(provingMs × costPerSecondWei / 1000) × (10 000 + marginBps) / 10 000))`.
 * Whether to bid at all (price above the job's max fee) is the prover's call.
 *
 * @example
 * bidPrice({ provingMsEstimate: 2_000, priceFloor: 0n, marginBps: 2_000, costPerSecondWei: 10n ** 12n });
 * // 2.4e12 wei: 2 s × 1e12 wei/s + 20 %
 */
export function bidPrice(input: BidPriceInput): bigint {
  const { provingMsEstimate, priceFloor, marginBps, costPerSecondWei } = input;
  if (!(Number.isFinite(provingMsEstimate) && provingMsEstimate >= 0)) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'provingMsEstimate must be a finite number ≥ 0', {
      details: { provingMsEstimate: String(provingMsEstimate) },
    });
  }
  if (!Number.isSafeInteger(marginBps) || marginBps < 0) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'marginBps must be a whole number ≥ 0', {
      details: { marginBps },
    });
  }
  assertNonNegative('priceFloor', priceFloor);
  assertNonNegative('costPerSecondWei', costPerSecondWei);
  const cost = ceilDiv(BigInt(Math.ceil(provingMsEstimate)) * costPerSecondWei, 1_000n);
  const withMargin = ceilDiv(cost * (BPS_DENOMINATOR + BigInt(marginBps)), BPS_DENOMINATOR);
  return maxWei(priceFloor, withMargin);
}

function add(map: Map<string, bigint>, key: string, amount: bigint): void {
  map.set(key, (map.get(key) ?? 0n) + amount);
}

function sorted(map: Map<string, bigint>): AddressAmount[] {
  return [...map.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([address, amountWei]) => ({ address, amountWei }));
}

function assertNonNegative(name: string, amountWei: bigint): void {
  if (amountWei < 0n) {
    throw new TenderError('TENDER_AMOUNT_INVALID', `${name} must not be negative`, {
      details: { [name]: amountWei.toString() },
    });
  }
}

function assertFeeBps(feeBps: number): void {
  if (!Number.isSafeInteger(feeBps) || feeBps < 0 || feeBps > 10_000) {
    throw new TenderError('TENDER_AMOUNT_INVALID', 'feeBps must be a whole number in 0..10000', {
      details: { feeBps },
    });
  }
}
