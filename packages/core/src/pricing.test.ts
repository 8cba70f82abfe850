import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bidPrice, marketFee, netSettlement, type SettledItem } from './pricing.ts';
import { isTenderError } from './TenderError.ts';

describe('marketFee', () => {
  it('takes 2.5 % by default, rounding down', () => {
    expect(marketFee(10_000n)).toBe(250n);
    expect(marketFee(39n)).toBe(0n);
  });

  it('rejects a fee rate outside 0..10000 bps and negative prices', () => {
    expect(() => marketFee(1n, 10_001)).toThrowError(/feeBps/);
    expect(() => marketFee(1n, 1.5)).toThrowError(/feeBps/);
    expect(() => marketFee(-1n, 0)).toThrowError(/priceWei must not be negative/);
  });
});

describe('netSettlement', () => {
  it('nets per requester and per prover, fees charged on top to the requester', () => {
    const s = netSettlement(
      [
        { requester: '0xR1', prover: '0xp1', priceWei: 1_000n },
        { requester: '0xr1', prover: '0xp2', priceWei: 2_000n },
        { requester: '0xr2', prover: '0xP1', priceWei: 4_000n },
      ],
      250,
    );
    expect(s.debits).toEqual([
      { address: '0xr1', amountWei: 3_075n },
      { address: '0xr2', amountWei: 4_100n },
    ]);
    expect(s.credits).toEqual([
      { address: '0xp1', amountWei: 5_000n },
      { address: '0xp2', amountWei: 2_000n },
    ]);
    expect(s.treasuryFeeWei).toBe(175n);
    expect(s.totalDebitWei).toBe(7_175n);
  });

  it("floors the fee once on each requester's price sum, as the contract does, not per item", () => {
    // 39 wei → 0.975 wei of fee each; 78 wei → 1.95 → 1 wei on the sum.
    const s = netSettlement(
      [
        { requester: '0xr1', prover: '0xp1', priceWei: 39n },
        { requester: '0xr1', prover: '0xp2', priceWei: 39n },
        { requester: '0xr2', prover: '0xp1', priceWei: 39n },
      ],
      250,
    );
    expect(s.debits).toEqual([
      { address: '0xr1', amountWei: 79n },
      { address: '0xr2', amountWei: 39n },
    ]);
    expect(s.credits).toEqual([
      { address: '0xp1', amountWei: 78n },
      { address: '0xp2', amountWei: 39n },
    ]);
    expect(s.treasuryFeeWei).toBe(1n);
    expect(s.totalDebitWei).toBe(118n);
  });

  it('rejects a negative price', () => {
    expect(() => netSettlement([{ requester: '0xr', prover: '0xp', priceWei: -1n }])).toThrowError(
      /priceWei must not be negative/,
    );
  });

  it('settles nothing for an empty batch', () => {
    expect(netSettlement([])).toEqual({ debits: [], credits: [], treasuryFeeWei: 0n, totalDebitWei: 0n });
  });

  const address = fc.integer({ min: 0, max: 5 }).map((n) => `0x${n}`);
  const items = fc.array(
    fc.record({ requester: address, prover: address, priceWei: fc.bigInt({ min: 0n, max: 10n ** 24n }) }),
    { maxLength: 40 },
  );

  it('balances exactly: debits = credits + fees, each requester pays its prices plus the floored fee on their sum', () => {
    fc.assert(
      fc.property(items, fc.integer({ min: 0, max: 10_000 }), (list: SettledItem[], bps) => {
        const s = netSettlement(list, bps);
        const debits = s.debits.reduce((sum, d) => sum + d.amountWei, 0n);
        const credits = s.credits.reduce((sum, c) => sum + c.amountWei, 0n);
        const prices = list.reduce((sum, i) => sum + i.priceWei, 0n);
        expect(debits).toBe(credits + s.treasuryFeeWei);
        expect(s.totalDebitWei).toBe(debits);
        expect(credits).toBe(prices);
        expect(s.treasuryFeeWei * 10_000n <= prices * BigInt(bps)).toBe(true);
        for (const d of s.debits) {
          const owed = list
            .filter((i) => i.requester.toLowerCase() === d.address)
            .reduce((sum, i) => sum + i.priceWei, 0n);
          expect(d.amountWei).toBe(owed + (owed * BigInt(bps)) / 10_000n);
        }
      }),
    );
  });

  it('does not depend on the order of the items', () => {
    const withShuffle = items.chain((list) =>
      fc
        .shuffledSubarray(list, { minLength: list.length, maxLength: list.length })
        .map((s) => [list, s] as const),
    );
    fc.assert(
      fc.property(withShuffle, ([list, shuffled]) => {
        expect(netSettlement(shuffled)).toEqual(netSettlement(list));
      }),
    );
  });
});

describe('bidPrice', () => {
  const base = { provingMsEstimate: 2_000, priceFloor: 0n, marginBps: 2_000, costPerSecondWei: 10n ** 12n };

  it('charges measured cost plus margin', () => {
    expect(bidPrice(base)).toBe(2_400_000_000_000n);
  });

  it('never bids below the floor', () => {
    expect(bidPrice({ ...base, priceFloor: 10n ** 15n })).toBe(10n ** 15n);
  });

  it('rounds cost up so a fraction of a wei is never given away', () => {
    expect(bidPrice({ provingMsEstimate: 1, priceFloor: 0n, marginBps: 0, costPerSecondWei: 1n })).toBe(1n);
  });

  it('rejects a non-finite estimate', () => {
    try {
      bidPrice({ ...base, provingMsEstimate: Number.POSITIVE_INFINITY });
      expect.unreachable();
    } catch (error) {
      expect(isTenderError(error, 'TENDER_VALIDATION_FAILED')).toBe(true);
    }
  });

  it('never falls when proving takes longer or the margin grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        (ms, extraMs, marginBps, costPerSecondWei) => {
          const input = { provingMsEstimate: ms, priceFloor: 0n, marginBps, costPerSecondWei };
          const price = bidPrice(input);
          expect(bidPrice({ ...input, provingMsEstimate: ms + extraMs }) >= price).toBe(true);
          expect(bidPrice({ ...input, marginBps: marginBps + 1 }) >= price).toBe(true);
          expect(price * 1_000n >= BigInt(ms) * costPerSecondWei).toBe(true);
        },
      ),
    );
  });
});
