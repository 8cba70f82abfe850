import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HexString, keccakWords } from './keccak.ts';
import { merkleLevels, merkleProofFromLevels, merkleRoot, merkleRootFrom } from './merkleTree.ts';

const leaf = (i: number): HexString => keccakWords(BigInt(i));

describe('merkleTree', () => {
  it('every leaf proves into the root, and a changed leaf does not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (size, pick) => {
        const leaves = Array.from({ length: size }, (_, i) => leaf(i));
        const levels = merkleLevels(leaves);
        const root = merkleRoot(leaves);
        const i = pick % size;
        const proof = merkleProofFromLevels(levels, i);
        expect(merkleRootFrom(leaves[i] as HexString, proof)).toBe(root);
        expect(merkleRootFrom(leaf(size + 1), proof)).not.toBe(root);
      }),
      { numRuns: 60 },
    );
  });

  it('a single leaf is its own root and an odd last node moves up unchanged', () => {
    expect(merkleRoot([leaf(0)])).toBe(leaf(0));
    const levels = merkleLevels([leaf(0), leaf(1), leaf(2)]);
    expect(levels[1]?.[1]).toBe(leaf(2));
  });

  it('refuses an empty tree and an index out of range', () => {
    expect(() => merkleRoot([])).toThrow(RangeError);
    expect(() => merkleProofFromLevels(merkleLevels([leaf(0)]), 1)).toThrow(RangeError);
  });
});
