import { isTenderError } from '@tender/core';
import { keccak256 } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  fromSolidityProof,
  proofHash,
  publicSignalsHash,
  SNARK_SCALAR_FIELD,
  toPublicSignals,
  toSolidityProof,
  toSolidityVerifyingKey,
  vkeyHash,
} from './calldata.ts';
import type { Groth16Proof, VerificationKey } from './types.ts';

const proof: Groth16Proof = {
  pi_a: ['11', '12', '1'],
  pi_b: [
    ['21', '22'],
    ['23', '24'],
    ['1', '0'],
  ],
  pi_c: ['31', '32', '1'],
  protocol: 'groth16',
  curve: 'bn128',
};

const g2 = (n: number) => [
  [`${n}0`, `${n}1`],
  [`${n}2`, `${n}3`],
  ['1', '0'],
];
const vkey: VerificationKey = {
  protocol: 'groth16',
  curve: 'bn128',
  nPublic: 1,
  vk_alpha_1: ['1', '2', '1'],
  vk_beta_2: g2(3),
  vk_gamma_2: g2(4),
  vk_delta_2: g2(5),
  IC: [
    ['6', '7', '1'],
    ['8', '9', '1'],
  ],
};

const word = (v: bigint | number) => BigInt(v).toString(16).padStart(64, '0');
const hashWords = (ws: (bigint | number)[]) => keccak256(`0x${ws.map(word).join('')}`);

describe('toSolidityProof', () => {
  it('puts the imaginary part of each G2 coordinate first (EIP-197 order)', () => {
    expect(toSolidityProof(proof)).toEqual({
      a: [11n, 12n],
      b: [
        [22n, 21n],
        [24n, 23n],
      ],
      c: [31n, 32n],
    });
  });

  it('round-trips through fromSolidityProof', () => {
    expect(fromSolidityProof(toSolidityProof(proof))).toEqual(proof);
  });

  it('rejects a coordinate that is not a decimal string', () => {
    const bad = { ...proof, pi_c: ['0x1f', '2', '1'] };
    expect(() => toSolidityProof(bad)).toThrow(/pi_c\.x/);
  });

  it('rejects a projective point that is not normalised', () => {
    expect(() => toSolidityProof({ ...proof, pi_a: ['1', '2', '3'] })).toThrow(/affine/);
  });
});

describe('toSolidityVerifyingKey', () => {
  it('converts every point with the same conventions as proofs', () => {
    const vk = toSolidityVerifyingKey(vkey);
    expect(vk.alpha1).toEqual([1n, 2n]);
    expect(vk.beta2).toEqual([
      [31n, 30n],
      [33n, 32n],
    ]);
    expect(vk.delta2).toEqual([
      [51n, 50n],
      [53n, 52n],
    ]);
    expect(vk.ic).toEqual([
      [6n, 7n],
      [8n, 9n],
    ]);
  });
});

describe('toPublicSignals', () => {
  it('parses decimal strings to bigints', () => {
    expect(toPublicSignals(['0', '42', (SNARK_SCALAR_FIELD - 1n).toString()])).toEqual([
      0n,
      42n,
      SNARK_SCALAR_FIELD - 1n,
    ]);
  });

  it('rejects a signal at or above the scalar field modulus', () => {
    let error: unknown;
    try {
      toPublicSignals(['1', SNARK_SCALAR_FIELD.toString()]);
    } catch (e) {
      error = e;
    }
    expect(isTenderError(error, 'TENDER_VALIDATION_FAILED')).toBe(true);
    expect((error as Error).message).toContain('publicSignals[1]');
  });
});

describe('hashes', () => {
  it('proofHash is keccak256 of the eight proof words in calldata order', () => {
    expect(proofHash(toSolidityProof(proof))).toBe(hashWords([11, 12, 22, 21, 24, 23, 31, 32]));
  });

  it('publicSignalsHash is keccak256 of the packed 32-byte signals without a length', () => {
    expect(publicSignalsHash([1n, 2n, 3n])).toBe(hashWords([1, 2, 3]));
    expect(publicSignalsHash([])).toBe(keccak256('0x'));
  });

  it('vkeyHash is keccak256 of abi.encode(alpha1, beta2, gamma2, delta2, ic[])', () => {
    const head = [1, 2, 31, 30, 33, 32, 41, 40, 43, 42, 51, 50, 53, 52];
    const offset = (head.length + 1) * 32;
    expect(vkeyHash(toSolidityVerifyingKey(vkey))).toBe(hashWords([...head, offset, 2, 6, 7, 8, 9]));
  });

  it('changes the proof hash when any word changes', () => {
    const base = toSolidityProof(proof);
    const other = { ...base, c: [31n, 33n] as const };
    expect(proofHash(other)).not.toBe(proofHash(base));
  });
});
