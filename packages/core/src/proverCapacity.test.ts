import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedCapacity, defaultCapacityPolicy } from './proverCapacity.ts';

describe('boundedCapacity', () => {
  it('holds a new prover that declares 1,024 slots and 2^31-1 MB to the starting slots and the memory ceiling', () => {
    expect(boundedCapacity({ slots: 1024, memoryMb: 2 ** 31 - 1, acceptedProofs: 0 })).toEqual({
      slots: 4,
      memoryMb: 1_048_576,
    });
  });

  it('gives a slot per 20 accepted proofs, up to the configured ceiling', () => {
    expect(boundedCapacity({ slots: 16, memoryMb: 8192, acceptedProofs: 39 }).slots).toBe(5);
    expect(boundedCapacity({ slots: 16, memoryMb: 8192, acceptedProofs: 40 }).slots).toBe(6);
    expect(boundedCapacity({ slots: 1024, memoryMb: 8192, acceptedProofs: 1_000_000 }).slots).toBe(64);
  });

  it('never raises what was declared and never goes below one slot', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.nat(),
        (slots, memoryMb, acceptedProofs) => {
          const out = boundedCapacity({ slots, memoryMb, acceptedProofs });
          expect(out.slots).toBeGreaterThanOrEqual(1);
          expect(out.slots).toBeLessThanOrEqual(Math.min(slots, defaultCapacityPolicy.maxSlots));
          expect(out.memoryMb).toBeLessThanOrEqual(Math.min(memoryMb, defaultCapacityPolicy.maxMemoryMb));
        },
      ),
    );
  });
});
