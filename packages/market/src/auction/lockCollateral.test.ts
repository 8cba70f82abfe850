import { isTenderError } from '@tender/core';
import { createTestDatabase, insertProver, type TestDatabase } from '@tender/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockCollateral, releaseCollateral } from './lockCollateral.ts';

const ETH = 10n ** 18n;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 8 });
});
afterAll(() => db?.drop());

describe('lockCollateral', () => {
  it('locks free collateral and reports the balance in exact wei', async () => {
    const prover = await insertProver(db.prisma, { collateralTotalWei: 5n * ETH + 1n });

    const balance = await lockCollateral(db.prisma, prover.id, 2n * ETH);

    expect(balance).toEqual({ totalWei: 5n * ETH + 1n, lockedWei: 2n * ETH, freeWei: 3n * ETH + 1n });
  });

  it('refuses to lock more than is free and leaves the balance alone', async () => {
    const prover = await insertProver(db.prisma, { collateralTotalWei: 3n * ETH });
    await lockCollateral(db.prisma, prover.id, 2n * ETH);

    const error = await lockCollateral(db.prisma, prover.id, ETH + 1n).catch((e: unknown) => e);

    expect(isTenderError(error, 'TENDER_INSUFFICIENT_COLLATERAL')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({
      freeWei: ETH.toString(),
    });
    const row = await db.prisma.prover.findUniqueOrThrow({ where: { id: prover.id } });
    expect(row.collateralLockedWei.toFixed()).toBe((2n * ETH).toString());
  });

  it('never over-locks under concurrent awards', async () => {
    const prover = await insertProver(db.prisma, { collateralTotalWei: 5n * ETH });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => lockCollateral(db.prisma, prover.id, ETH)),
    );

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    const row = await db.prisma.prover.findUniqueOrThrow({ where: { id: prover.id } });
    expect(row.collateralLockedWei.toFixed()).toBe((5n * ETH).toString());
  });

  it('takes part in a caller transaction and rolls back with it', async () => {
    const prover = await insertProver(db.prisma, { collateralTotalWei: ETH });

    await db.prisma
      .$transaction(async (tx) => {
        await lockCollateral(tx, prover.id, ETH);
        throw new Error('award failed');
      })
      .catch(() => {});

    const row = await db.prisma.prover.findUniqueOrThrow({ where: { id: prover.id } });
    expect(row.collateralLockedWei.toFixed()).toBe('0');
  });

  it('refuses a non-positive amount and an unknown prover', async () => {
    const prover = await insertProver(db.prisma);
    const zero = await lockCollateral(db.prisma, prover.id, 0n).catch((e: unknown) => e);
    const unknown = await lockCollateral(db.prisma, '00000000-0000-7000-8000-000000000000', 1n).catch(
      (e: unknown) => e,
    );
    expect(isTenderError(zero, 'TENDER_AMOUNT_INVALID')).toBe(true);
    expect(isTenderError(unknown, 'TENDER_PROVER_NOT_FOUND')).toBe(true);
  });
});

describe('releaseCollateral', () => {
  it('releases locked collateral, and refuses to release more than is locked', async () => {
    const prover = await insertProver(db.prisma, { collateralTotalWei: 4n * ETH });
    await lockCollateral(db.prisma, prover.id, 3n * ETH);

    const balance = await releaseCollateral(db.prisma, prover.id, 2n * ETH);
    const error = await releaseCollateral(db.prisma, prover.id, 2n * ETH).catch((e: unknown) => e);

    expect(balance).toEqual({ totalWei: 4n * ETH, lockedWei: ETH, freeWei: 3n * ETH });
    expect(isTenderError(error, 'TENDER_COLLATERAL_NOT_LOCKED')).toBe(true);
  });
});
