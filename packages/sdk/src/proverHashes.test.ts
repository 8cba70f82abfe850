import { bidTypes, proofSubmissionDigest, proofSubmissionTypes, tenderDomain } from '@tender/chain';
import { buildBuiltinCircuit, loadBuiltinModel, modelInput } from '@tender/circuits';
import {
  BN254_BASE_FIELD,
  type Groth16Proof,
  Prover,
  proofHash,
  publicSignalsHash,
  SNARK_SCALAR_FIELD,
  toPublicSignals,
  toSolidityProof,
} from '@tender/zk';
import fc from 'fast-check';
import { hashTypedData } from 'viem';
import { describe, expect, it } from 'vitest';
import { proofHashOf, publicSignalsHashOf } from './proverHashes.ts';
import { proverBidTypes, proverProofSubmissionTypes } from './proverTypedData.ts';
import { marketDomain } from './requesterTypedData.ts';

const coordinate = fc.bigInt({ min: 0n, max: BN254_BASE_FIELD - 1n }).map(String);
const signal = fc.bigInt({ min: 0n, max: SNARK_SCALAR_FIELD - 1n }).map(String);
const g1 = fc.tuple(coordinate, coordinate).map(([x, y]) => [x, y, '1']);
const g2 = fc.tuple(coordinate, coordinate, coordinate, coordinate).map(([a, b, c, d]) => [
  [a, b],
  [c, d],
  ['1', '0'],
]);
const proofArb = fc
  .record({ pi_a: g1, pi_b: g2, pi_c: g1 })
  .map((p): Groth16Proof => ({ ...p, protocol: 'groth16', curve: 'bn128' }) as Groth16Proof);

describe('sdk proof hashes', () => {
  it('hash any proof and any public signals exactly as @tender/zk (the contract encoding) does', () => {
    fc.assert(
      fc.property(proofArb, fc.array(signal, { maxLength: 12 }), (proof, signals) => {
        expect(proofHashOf(proof)).toBe(proofHash(toSolidityProof(proof)));
        expect(publicSignalsHashOf(signals)).toBe(publicSignalsHash(toPublicSignals(signals)));
      }),
      { numRuns: 200 },
    );
  });

  it('hash a real snarkjs proof of the tiny circuit as @tender/zk does, and a tampered one differently', async () => {
    const circuit = await buildBuiltinCircuit('tiny');
    const model = await loadBuiltinModel('tiny');
    const prover = new Prover();
    try {
      const { proof, publicSignals } = await prover.prove(
        circuit,
        modelInput(
          model,
          Array.from({ length: 16 }, (_, i) => i % 4),
        ),
      );
      expect(proofHashOf(proof)).toBe(proofHash(toSolidityProof(proof)));
      expect(publicSignalsHashOf(publicSignals)).toBe(publicSignalsHash(toPublicSignals(publicSignals)));
      const tampered = { ...proof, pi_b: [proof.pi_b[0]!.slice().reverse(), proof.pi_b[1]!, proof.pi_b[2]!] };
      expect(proofHashOf(tampered)).not.toBe(proofHashOf(proof));
    } finally {
      await prover.close();
    }
  });

  it('rejects a proof coordinate that is not a decimal string', () => {
    const proof = {
      pi_a: ['0x1', '2', '1'],
      pi_b: [
        ['1', '2'],
        ['3', '4'],
      ],
      pi_c: ['5', '6', '1'],
    };
    expect(() => proofHashOf(proof)).toThrow(/pi_a\[0\]/);
  });
});

describe('sdk typed data', () => {
  it('declares Bid and ProofSubmission exactly as @tender/chain does, so digests agree', () => {
    expect(proverBidTypes).toEqual(bidTypes);
    expect(proverProofSubmissionTypes).toEqual(proofSubmissionTypes);
    const market = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
    expect(marketDomain(31337, market)).toEqual(tenderDomain(31337, market));
    const submission = {
      jobId: `0x${'11'.repeat(32)}`,
      circuitId: `0x${'22'.repeat(32)}`,
      proofHash: `0x${'33'.repeat(32)}`,
      publicSignalsHash: `0x${'44'.repeat(32)}`,
      prover: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    } as const;
    expect(
      hashTypedData({
        domain: marketDomain(31337, market),
        types: proverProofSubmissionTypes,
        primaryType: 'ProofSubmission',
        message: submission,
      }),
    ).toBe(proofSubmissionDigest(tenderDomain(31337, market), submission));
  });
});
