/**
 * Bits of payload per field element when packing small integers: 253 bits
 * always fit below the BN254 scalar field (≈ 2^253.6), so packing is injective
 * once every packed value is range-checked to its width.
 */
export const PACK_BITS = 253;

/** Where one packed value sits: field element index and bit offset inside it. */
export interface PackSlot {
  element: number;
  offset: number;
  bits: number;
}

/**
 * Greedy little-endian layout of values of the given bit widths into field
 * elements of {@link PACK_BITS} bits: values fill an element from bit 0 up and
 * a value that would cross the limit starts the next element. For n values of
 * width b this is floor(253 / b) values per element (31 bytes for 8-bit
 * pixels, 63 nibbles for 4-bit, 253 bits for 1-bit).
 */
export function packLayout(widths: readonly number[]): { slots: PackSlot[]; elements: number } {
  const slots: PackSlot[] = [];
  let element = 0;
  let offset = 0;
  for (const bits of widths) {
    if (bits < 1 || bits > PACK_BITS) throw new RangeError(`cannot pack a ${bits}-bit value`);
    if (offset + bits > PACK_BITS) {
      element++;
      offset = 0;
    }
    slots.push({ element, offset, bits });
    offset += bits;
  }
  return { slots, elements: widths.length === 0 ? 0 : element + 1 };
}

/**
 * Packs unsigned values (each below 2^width) into field elements with
 * {@link packLayout}. Throws a RangeError when a value does not fit its width.
 */
export function packValues(values: readonly bigint[], widths: readonly number[]): bigint[] {
  if (values.length !== widths.length) throw new RangeError('values and widths differ in length');
  const { slots, elements } = packLayout(widths);
  const out = Array.from({ length: elements }, () => 0n);
  values.forEach((v, i) => {
    const slot = slots[i]!;
    if (v < 0n || v >= 1n << BigInt(slot.bits))
      throw new RangeError(`value ${v} does not fit ${slot.bits} bits`);
    out[slot.element] = out[slot.element]! + (v << BigInt(slot.offset));
  });
  return out;
}
