import type { AssignmentOutcome } from './assignmentLifecycle.ts';
import { TenderError } from './TenderError.ts';
import { applyBps, maxWei } from './wei.ts';

/**
 * A prover's collateral held by the marketplace, in wei. `lockedWei` is the
 * part pledged to running assignments; the rest is free.
 * Invariant: `0 ≤ lockedWei ≤ totalWei`.
 */
export interface CollateralAccount {
  readonly totalWei: bigint;
  readonly lockedWei: bigint;
}

/** How much collateral a job asks for and what a failed assignment costs. */
export interface CollateralPolicy {
  /** The least collateral any job asks for. */
  readonly minCollateralWei: bigint;
  /** Collateral as a multiple of the job's max fee, in basis points (15 000 = 1.5×). */
  readonly collateralFactorBps: number;
  /** Share of the locked collateral forfeited when the prover misses its deadline, in bps. */
  readonly missedDeadlineForfeitBps: number;
  /** Share forfeited when the prover gives the job back before its deadline, in bps. */
  readonly abandonedForfeitBps: number;
  /** Share forfeited when the prover submits an invalid proof, in bps (its stake is slashed on-chain too). */
  readonly invalidProofForfeitBps: number;
}

/** Working local defaults: 0.001 ETH minimum, 1.5× the max fee; all of it lost on a miss or an invalid proof, half on abandoning. */
export const defaultCollateralPolicy: CollateralPolicy = {
  minCollateralWei: 10n ** 15n,
  collateralFactorBps: 15_000,
  missedDeadlineForfeitBps: 10_000,
  abandonedForfeitBps: 5_000,
  invalidProofForfeitBps: 10_000,
};

/** An account with nothing in it. */
export const emptyCollateralAccount: CollateralAccount = { totalWei: 0n, lockedWei: 0n };

/**
 * The collateral a prover must lock to win a job whose max fee is `maxFeeWei`:
 * `max(minCollateralWei, ceil(maxFeeWei × collateralFactorBps / 10 000))`.
 * It depends on the job only (not on the bid), so every prover knows it
 * before bidding and lowering a bid's price never changes it.
 *
 * @example
 * requiredCollateral(2n * 10n ** 16n); // 3e16 wei with the default 1.5× factor
 */
export function requiredCollateral(
  maxFeeWei: bigint,
  policy: CollateralPolicy = defaultCollateralPolicy,
): bigint {
  assertAmount('maxFeeWei', maxFeeWei);
  assertBps('collateralFactorBps', policy.collateralFactorBps, Number.MAX_SAFE_INTEGER);
  return maxWei(policy.minCollateralWei, applyBps(maxFeeWei, policy.collateralFactorBps, 'ceil'));
}

/** The part of the account not pledged to any assignment. */
export function freeCollateral(account: CollateralAccount): bigint {
  assertAccount(account);
  return account.totalWei - account.lockedWei;
}

/** Adds `amountWei` to the account (a deposit). */
export function depositCollateral(account: CollateralAccount, amountWei: bigint): CollateralAccount {
  assertAccount(account);
  assertAmount('amountWei', amountWei);
  return { totalWei: account.totalWei + amountWei, lockedWei: account.lockedWei };
}

/**
 * Takes `amountWei` of free collateral out of the account.
 *
 * @throws TenderError `TENDER_INSUFFICIENT_COLLATERAL` when more than the free part is asked for.
 */
export function withdrawCollateral(account: CollateralAccount, amountWei: bigint): CollateralAccount {
  assertAmount('amountWei', amountWei);
  const free = freeCollateral(account);
  if (amountWei > free) throw insufficient('withdraw', amountWei, free);
  return { totalWei: account.totalWei - amountWei, lockedWei: account.lockedWei };
}

/**
 * Pledges `amountWei` of free collateral to an assignment (on award).
 *
 * @throws TenderError `TENDER_INSUFFICIENT_COLLATERAL` when the free part is smaller.
 * @example
 * lockCollateral({ totalWei: 10n, lockedWei: 3n }, 5n); // { totalWei: 10n, lockedWei: 8n }
 */
export function lockCollateral(account: CollateralAccount, amountWei: bigint): CollateralAccount {
  assertAmount('amountWei', amountWei);
  const free = freeCollateral(account);
  if (amountWei > free) throw insufficient('lock', amountWei, free);
  return { totalWei: account.totalWei, lockedWei: account.lockedWei + amountWei };
}

/**
 * Frees `amountWei` of locked collateral (the assignment ended well or was cancelled).
 *
 * @throws TenderError `TENDER_COLLATERAL_NOT_LOCKED` when less than that is locked.
 */
export function releaseCollateral(account: CollateralAccount, amountWei: bigint): CollateralAccount {
  assertAccount(account);
  assertAmount('amountWei', amountWei);
  if (amountWei > account.lockedWei) throw notLocked('release', amountWei, account.lockedWei);
  return { totalWei: account.totalWei, lockedWei: account.lockedWei - amountWei };
}

/**
 * Takes `amountWei` of locked collateral away from the prover: it leaves both
 * the locked part and the total.
 *
 * @throws TenderError `TENDER_COLLATERAL_NOT_LOCKED` when less than that is locked.
 */
export function forfeitCollateral(account: CollateralAccount, amountWei: bigint): CollateralAccount {
  assertAccount(account);
  assertAmount('amountWei', amountWei);
  if (amountWei > account.lockedWei) throw notLocked('forfeit', amountWei, account.lockedWei);
  return { totalWei: account.totalWei - amountWei, lockedWei: account.lockedWei - amountWei };
}

/** What happens to an assignment's locked collateral when it ends. */
export interface CollateralSettlement {
  readonly forfeitWei: bigint;
  readonly releaseWei: bigint;
}

/**
 * Splits the collateral locked for one assignment into the part forfeited and
 * the part released, by how the assignment ended: `accepted` and `cancelled`
 * release all of it; `failed_deadline`, `abandoned` and `failed_invalid`
 * forfeit the policy's share (rounded down) and release the rest.
 * `forfeitWei + releaseWei === lockedWei` always.
 *
 * @example
 * settleCollateral(100n, 'abandoned'); // { forfeitWei: 50n, releaseWei: 50n }
 */
export function settleCollateral(
  lockedWei: bigint,
  outcome: AssignmentOutcome,
  policy: CollateralPolicy = defaultCollateralPolicy,
): CollateralSettlement {
  assertAmount('lockedWei', lockedWei);
  const bps = forfeitBpsFor(outcome, policy);
  assertBps('forfeitBps', bps, 10_000);
  const forfeitWei = applyBps(lockedWei, bps);
  return { forfeitWei, releaseWei: lockedWei - forfeitWei };
}

function forfeitBpsFor(outcome: AssignmentOutcome, policy: CollateralPolicy): number {
  switch (outcome) {
    case 'accepted':
    case 'cancelled':
      return 0;
    case 'failed_deadline':
      return policy.missedDeadlineForfeitBps;
    case 'abandoned':
      return policy.abandonedForfeitBps;
    case 'failed_invalid':
      return policy.invalidProofForfeitBps;
  }
}

function assertAmount(name: string, amountWei: bigint): void {
  if (amountWei < 0n) {
    throw new TenderError('TENDER_AMOUNT_INVALID', `${name} must not be negative`, {
      details: { [name]: amountWei.toString() },
    });
  }
}

function assertBps(name: string, bps: number, max: number): void {
  if (!Number.isSafeInteger(bps) || bps < 0 || bps > max) {
    throw new TenderError('TENDER_AMOUNT_INVALID', `${name} must be an integer in 0..${max}`, {
      details: { [name]: bps },
    });
  }
}

function assertAccount(account: CollateralAccount): void {
  if (account.lockedWei < 0n || account.lockedWei > account.totalWei) {
    throw new TenderError('TENDER_INTERNAL', 'collateral account breaks 0 ≤ locked ≤ total', {
      details: { totalWei: account.totalWei.toString(), lockedWei: account.lockedWei.toString() },
    });
  }
}

function insufficient(action: string, requestedWei: bigint, freeWei: bigint): TenderError {
  return new TenderError('TENDER_INSUFFICIENT_COLLATERAL', `cannot ${action} more than the free collateral`, {
    details: { action, requestedWei: requestedWei.toString(), freeWei: freeWei.toString() },
  });
}

function notLocked(action: string, requestedWei: bigint, lockedWei: bigint): TenderError {
  return new TenderError('TENDER_COLLATERAL_NOT_LOCKED', `cannot ${action} more than the locked collateral`, {
    details: { action, requestedWei: requestedWei.toString(), lockedWei: lockedWei.toString() },
  });
}
