import fc from 'fast-check';
import { type Hex, keccak256, toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { type BatchResult, merkleProofFor, resultLeaf, resultRoot, verifyResultProof } from './resultTree.ts';

const result = (i: number): BatchResult => ({
  jobId: keccak256(toHex(`job${i}`)),
  circuitId: keccak256(toHex(`circuit${i % 3}`)),
  publicSignalsHash: keccak256(toHex(`signals${i}`)),
});

describe('result tree', () => {
  it('uses the single leaf as the root of a one-job batch', () => {
    expect(resultRoot([result(0)])).toBe(resultLeaf(result(0)));
    expect(merkleProofFor([result(0)], 0)).toEqual([]);
  });

  it('proves every result of batches of any size and rejects a changed result (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), (n, pick) => {
        const results = Array.from({ length: n }, (_, i) => result(i));
        const root = resultRoot(results);
        const i = pick % n;
        const proof = merkleProofFor(results, i);
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(verifyResultProof(root, results[i]!, proof)).toBe(true);
        const forged = { ...results[i]!, publicSignalsHash: keccak256(results[i]!.publicSignalsHash) as Hex };
        expect(verifyResultProof(root, forged, proof)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses an index outside the batch', () => {
    expect(() => merkleProofFor([result(0)], 1)).toThrow(/out of range/);
    expect(() => resultRoot([])).toThrow(/at least one/);
  });
});
