import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CollateralAccount,
  defaultCollateralPolicy,
  depositCollateral,
  emptyCollateralAccount,
  forfeitCollateral,
  freeCollateral,
  lockCollateral,
  releaseCollateral,
  requiredCollateral,
  settleCollateral,
  withdrawCollateral,
} from './collateral.ts';
import { isTenderError } from './TenderError.ts';

const ETH = 10n ** 18n;

describe('requiredCollateral', () => {
  it('asks for 1.5× the max fee by default', () => {
    expect(requiredCollateral(2n * ETH)).toBe(3n * ETH);
  });

  it('never asks for less than the minimum', () => {
    expect(requiredCollateral(1n)).toBe(defaultCollateralPolicy.minCollateralWei);
    expect(requiredCollateral(0n)).toBe(defaultCollateralPolicy.minCollateralWei);
  });

  it('rounds a fractional requirement up, never down', () => {
    const policy = { ...defaultCollateralPolicy, minCollateralWei: 0n, collateralFactorBps: 15_000 };
    expect(requiredCollateral(3n, policy)).toBe(5n); // 4.5 → 5
  });

  it('rejects a negative max fee', () => {
    expect(() => requiredCollateral(-1n)).toThrowError(/must not be negative/);
  });
});

describe('collateral account operations', () => {
  const account: CollateralAccount = { totalWei: 100n, lockedWei: 30n };

  it('locks free collateral', () => {
    expect(lockCollateral(account, 70n)).toEqual({ totalWei: 100n, lockedWei: 100n });
  });

  it('refuses to lock more than the free part, naming both amounts', () => {
    try {
      lockCollateral(account, 71n);
      expect.unreachable();
    } catch (error) {
      expect(isTenderError(error, 'TENDER_INSUFFICIENT_COLLATERAL')).toBe(true);
      expect((error as { details: unknown }).details).toEqual({
        action: 'lock',
        requestedWei: '71',
        freeWei: '70',
      });
    }
  });

  it('releases locked collateral back to free', () => {
    expect(freeCollateral(releaseCollateral(account, 30n))).toBe(100n);
  });

  it('refuses to release more than is locked', () => {
    expect(() => releaseCollateral(account, 31n)).toThrowError(/more than the locked collateral/);
  });

  it('forfeiting removes the amount from both locked and total', () => {
    expect(forfeitCollateral(account, 10n)).toEqual({ totalWei: 90n, lockedWei: 20n });
  });

  it('cannot withdraw locked collateral', () => {
    expect(() => withdrawCollateral(account, 71n)).toThrowError(/more than the free collateral/);
    expect(withdrawCollateral(account, 70n)).toEqual({ totalWei: 30n, lockedWei: 30n });
  });

  it('rejects negative amounts with TENDER_AMOUNT_INVALID', () => {
    for (const op of [
      depositCollateral,
      withdrawCollateral,
      lockCollateral,
      releaseCollateral,
      forfeitCollateral,
    ]) {
      expect(() => op(account, -1n)).toThrowError(/must not be negative/);
    }
  });

  it('treats an account with locked > total as corrupt', () => {
    expect(() => lockCollateral({ totalWei: 1n, lockedWei: 2n }, 0n)).toThrowError(/0 ≤ locked ≤ total/);
  });
});

describe('settleCollateral', () => {
  it('releases everything when the proof was accepted or the job cancelled', () => {
    expect(settleCollateral(100n, 'accepted')).toEqual({ forfeitWei: 0n, releaseWei: 100n });
    expect(settleCollateral(100n, 'cancelled')).toEqual({ forfeitWei: 0n, releaseWei: 100n });
  });

  it('forfeits everything on a missed deadline or an invalid proof, half on abandoning', () => {
    expect(settleCollateral(100n, 'failed_deadline')).toEqual({ forfeitWei: 100n, releaseWei: 0n });
    expect(settleCollateral(100n, 'failed_invalid')).toEqual({ forfeitWei: 100n, releaseWei: 0n });
    expect(settleCollateral(101n, 'abandoned')).toEqual({ forfeitWei: 50n, releaseWei: 51n });
  });

  it('always splits the locked amount exactly', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.constantFrom('accepted', 'failed_invalid', 'failed_deadline', 'abandoned', 'cancelled' as const),
        fc.integer({ min: 0, max: 10_000 }),
        (locked, outcome, bps) => {
          const policy = {
            ...defaultCollateralPolicy,
            missedDeadlineForfeitBps: bps,
            abandonedForfeitBps: bps,
            invalidProofForfeitBps: bps,
          };
          const { forfeitWei, releaseWei } = settleCollateral(locked, outcome, policy);
          expect(forfeitWei + releaseWei).toBe(locked);
          expect(forfeitWei >= 0n && releaseWei >= 0n).toBe(true);
        },
      ),
    );
  });
});

type Op = { kind: 'deposit' | 'withdraw' | 'lock' | 'release' | 'forfeit'; amount: bigint };

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('deposit', 'withdraw', 'lock', 'release', 'forfeit' as const),
  amount: fc.oneof(fc.bigInt({ min: 0n, max: 1_000n }), fc.bigInt({ min: -5n, max: 10n ** 20n })),
});

const apply = {
  deposit: depositCollateral,
  withdraw: withdrawCollateral,
  lock: lockCollateral,
  release: releaseCollateral,
  forfeit: forfeitCollateral,
};

describe('collateral accounting under random operation sequences', () => {
  it('keeps 0 ≤ locked ≤ total, succeeds exactly when allowed and balances the books', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        let account = emptyCollateralAccount;
        // Independent model: running sums of what succeeded.
        let deposited = 0n;
        let withdrawn = 0n;
        let locked = 0n;
        let released = 0n;
        let forfeited = 0n;
        for (const { kind, amount } of ops) {
          const free = account.totalWei - account.lockedWei;
          const allowed =
            amount >= 0n &&
            (kind === 'deposit' ||
              ((kind === 'withdraw' || kind === 'lock') && amount <= free) ||
              ((kind === 'release' || kind === 'forfeit') && amount <= account.lockedWei));
          let next: CollateralAccount | undefined;
          try {
            next = apply[kind](account, amount);
          } catch (error) {
            expect(isTenderError(error)).toBe(true);
          }
          expect(next !== undefined).toBe(allowed);
          if (next === undefined) continue;
          account = next;
          if (kind === 'deposit') deposited += amount;
          if (kind === 'withdraw') withdrawn += amount;
          if (kind === 'lock') locked += amount;
          if (kind === 'release') released += amount;
          if (kind === 'forfeit') forfeited += amount;
          expect(account.lockedWei >= 0n).toBe(true);
          expect(account.lockedWei <= account.totalWei).toBe(true);
          expect(account.totalWei).toBe(deposited - withdrawn - forfeited);
          expect(account.lockedWei).toBe(locked - released - forfeited);
        }
      }),
      { numRuns: 300 },
    );
  });
});
