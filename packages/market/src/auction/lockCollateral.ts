import { TenderError } from '@tender/core';
import { type TenderQueryable, weiToDecimal } from '@tender/db';

/** A prover's collateral after a change, in wei. */
export interface CollateralBalance {
  readonly totalWei: bigint;
  readonly lockedWei: bigint;
  readonly freeWei: bigint;
}

interface BalanceRow {
  total: string;
  locked: string;
}

/**
 * Locks `amountWei` of a prover's free collateral (total − locked) in one
 * conditional UPDATE: concurrent locks can never take more than is free.
 * Can run inside a caller's transaction (award = lock + create assignment).
 *
 * Throws `TENDER_INSUFFICIENT_COLLATERAL` when less than `amountWei` is free,
 * `TENDER_PROVER_NOT_FOUND`, or `TENDER_AMOUNT_INVALID` for a non-positive amount.
 *
 * @example
 * await prisma.$transaction(async (tx) => {
 *   await lockCollateral(tx, proverId, required);
 *   await tx.assignment.create({ data: { ... } });
 * });
 */
export async function lockCollateral(
  db: TenderQueryable,
  proverId: string,
  amountWei: bigint,
): Promise<CollateralBalance> {
  const amount = positive(amountWei);
  const [row] = await db.$queryRaw<BalanceRow[]>`
    UPDATE provers
    SET collateral_locked_wei = collateral_locked_wei + ${amount}::numeric, updated_at = now()
    WHERE id = ${proverId}::uuid AND collateral_total_wei - collateral_locked_wei >= ${amount}::numeric
    RETURNING collateral_total_wei::text AS total, collateral_locked_wei::text AS locked`;
  if (row !== undefined) return balance(row);
  const current = await currentBalance(db, proverId);
  throw new TenderError('TENDER_INSUFFICIENT_COLLATERAL', 'not enough free collateral', {
    details: { proverId, neededWei: amount, freeWei: current.freeWei.toString() },
  });
}

/**
 * Releases `amountWei` of a prover's locked collateral (an assignment ended
 * well, or was cancelled), atomically.
 *
 * Throws `TENDER_COLLATERAL_NOT_LOCKED` when less than `amountWei` is locked,
 * `TENDER_PROVER_NOT_FOUND`, or `TENDER_AMOUNT_INVALID` for a non-positive amount.
 */
export async function releaseCollateral(
  db: TenderQueryable,
  proverId: string,
  amountWei: bigint,
): Promise<CollateralBalance> {
  const amount = positive(amountWei);
  const [row] = await db.$queryRaw<BalanceRow[]>`
    UPDATE provers
    SET collateral_locked_wei = collateral_locked_wei - ${amount}::numeric, updated_at = now()
    WHERE id = ${proverId}::uuid AND collateral_locked_wei >= ${amount}::numeric
    RETURNING collateral_total_wei::text AS total, collateral_locked_wei::text AS locked`;
  if (row !== undefined) return balance(row);
  const current = await currentBalance(db, proverId);
  throw new TenderError('TENDER_COLLATERAL_NOT_LOCKED', 'less collateral is locked than released', {
    details: { proverId, releasedWei: amount, lockedWei: current.lockedWei.toString() },
  });
}

function positive(amountWei: bigint): string {
  if (amountWei <= 0n) {
    throw new TenderError('TENDER_AMOUNT_INVALID', 'collateral amount must be positive', {
      details: { amountWei: amountWei.toString() },
    });
  }
  return weiToDecimal(amountWei);
}

function balance(row: BalanceRow): CollateralBalance {
  const totalWei = BigInt(row.total);
  const lockedWei = BigInt(row.locked);
  return { totalWei, lockedWei, freeWei: totalWei - lockedWei };
}

async function currentBalance(db: TenderQueryable, proverId: string): Promise<CollateralBalance> {
  const [row] = await db.$queryRaw<BalanceRow[]>`
    SELECT collateral_total_wei::text AS total, collateral_locked_wei::text AS locked
    FROM provers WHERE id = ${proverId}::uuid`;
  if (row === undefined) {
    throw new TenderError('TENDER_PROVER_NOT_FOUND', 'prover not found', { details: { proverId } });
  }
  return balance(row);
}
