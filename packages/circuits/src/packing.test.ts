import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PACK_BITS, packLayout, packValues } from './packing.ts';

describe('packLayout', () => {
  it('fits 31 bytes, 63 nibbles or 253 bits per field element', () => {
    expect(packLayout(new Array(784).fill(8)).elements).toBe(26);
    expect(packLayout(new Array(31).fill(8)).elements).toBe(1);
    expect(packLayout(new Array(32).fill(8)).elements).toBe(2);
    expect(packLayout(new Array(63).fill(4)).elements).toBe(1);
    expect(packLayout(new Array(784).fill(1)).elements).toBe(4);
  });

  it('never lets a value cross the 253-bit limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 60 }), (widths) => {
        for (const slot of packLayout(widths).slots)
          expect(slot.offset + slot.bits).toBeLessThanOrEqual(PACK_BITS);
      }),
    );
  });
});

describe('packValues', () => {
  it('is injective: unpacking the elements gives the values back', () => {
    const arb = fc
      .array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 80 })
      .chain((widths) =>
        fc
          .tuple(...widths.map((w) => fc.bigInt({ min: 0n, max: (1n << BigInt(w)) - 1n })))
          .map((values) => ({ widths, values })),
      );
    fc.assert(
      fc.property(arb, ({ widths, values }) => {
        const packed = packValues(values, widths);
        const { slots } = packLayout(widths);
        const back = slots.map(
          (s) => (packed[s.element]! >> BigInt(s.offset)) & ((1n << BigInt(s.bits)) - 1n),
        );
        expect(back).toEqual(values);
        for (const e of packed) expect(e < 1n << BigInt(PACK_BITS)).toBe(true);
      }),
    );
  });

  it('rejects a value wider than its slot', () => {
    expect(() => packValues([256n], [8])).toThrow(RangeError);
    expect(() => packValues([-1n], [8])).toThrow(RangeError);
  });
});
