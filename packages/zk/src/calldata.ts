import { TenderError } from '@tender/core';
import { encodeAbiParameters, encodePacked, keccak256 } from 'viem';
import type { Groth16Proof, VerificationKey } from './types.ts';

/** A BN254 G1 point in affine coordinates `(x, y)`. */
export type G1 = readonly [bigint, bigint];

/**
 * A BN254 G2 point in EIP-197 precompile order: `[[x.c1, x.c0], [y.c1, y.c0]]`
 * (imaginary part first), the reverse of snarkjs's `[[x.c0, x.c1], [y.c0, y.c1]]`.
 */
export type G2 = readonly [readonly [bigint, bigint], readonly [bigint, bigint]];

/** A Groth16 proof as the Solidity verifier takes it. */
export interface SolidityProof {
  a: G1;
  b: G2;
  c: G1;
}

/** A Groth16 verifying key as the Solidity verifier and circuit registry take it. */
export interface SolidityVerifyingKey {
  alpha1: G1;
  beta2: G2;
  gamma2: G2;
  delta2: G2;
  /** `IC[0..nPublic]`: one point per public signal plus the constant term. */
  ic: readonly G1[];
}

/** The BN254 scalar field modulus r: public signals must be below it. */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** The BN254 base field modulus p: point coordinates must be below it. */
export const BN254_BASE_FIELD =
  21888242871839275222246405745257275088696311157297823662689037894645226208583n;

function decimal(value: unknown, what: string, below: bigint): bigint {
  if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) {
    throw new TenderError('TENDER_VALIDATION_FAILED', `${what} is not a decimal integer string`, {
      details: { what, value: String(value) },
    });
  }
  const v = BigInt(value);
  if (v >= below) {
    throw new TenderError('TENDER_VALIDATION_FAILED', `${what} is not below the field modulus`, {
      details: { what, value },
    });
  }
  return v;
}

function g1(p: readonly string[] | undefined, what: string): G1 {
  if (!p || p.length < 2) throw new TenderError('TENDER_VALIDATION_FAILED', `${what} is not a G1 point`);
  if (p.length > 2 && p[2] !== '1') {
    throw new TenderError('TENDER_VALIDATION_FAILED', `${what} is not in affine form (z != 1)`);
  }
  return [decimal(p[0], `${what}.x`, BN254_BASE_FIELD), decimal(p[1], `${what}.y`, BN254_BASE_FIELD)];
}

function g2(p: readonly (readonly string[])[] | undefined, what: string): G2 {
  const x = p?.[0];
  const y = p?.[1];
  if (!x || !y || x.length !== 2 || y.length !== 2) {
    throw new TenderError('TENDER_VALIDATION_FAILED', `${what} is not a G2 point`);
  }
  const z = p[2];
  if (z && (z[0] !== '1' || z[1] !== '0')) {
    throw new TenderError('TENDER_VALIDATION_FAILED', `${what} is not in affine form (z != 1)`);
  }
  const f = (v: string | undefined, part: string) => decimal(v, `${what}.${part}`, BN254_BASE_FIELD);
  return [
    [f(x[1], 'x.c1'), f(x[0], 'x.c0')],
    [f(y[1], 'y.c1'), f(y[0], 'y.c0')],
  ];
}

/**
 * Converts a snarkjs proof to the Solidity verifier's shape: G1 points as
 * `(x, y)`, `b` in EIP-197 order (imaginary part first). Throws
 * `TENDER_VALIDATION_FAILED` for malformed coordinates.
 *
 * @example
 * const { a, b, c } = toSolidityProof(proof);
 * await verifier.read.verifyProof([a, b, c, toPublicSignals(publicSignals)]);
 */
export function toSolidityProof(proof: Groth16Proof): SolidityProof {
  return { a: g1(proof.pi_a, 'pi_a'), b: g2(proof.pi_b, 'pi_b'), c: g1(proof.pi_c, 'pi_c') };
}

/**
 * Converts a Solidity-shaped proof back to snarkjs's JSON shape (the inverse of
 * {@link toSolidityProof}), e.g. to check on-chain slashing evidence off-chain.
 */
export function fromSolidityProof(proof: SolidityProof): Groth16Proof {
  const s = (v: bigint) => v.toString();
  return {
    pi_a: [s(proof.a[0]), s(proof.a[1]), '1'],
    pi_b: [
      [s(proof.b[0][1]), s(proof.b[0][0])],
      [s(proof.b[1][1]), s(proof.b[1][0])],
      ['1', '0'],
    ],
    pi_c: [s(proof.c[0]), s(proof.c[1]), '1'],
    protocol: 'groth16',
    curve: 'bn128',
  };
}

/**
 * Converts a snarkjs verification key to the Solidity shape with the same
 * G1/G2 conventions as {@link toSolidityProof}.
 */
export function toSolidityVerifyingKey(vkey: VerificationKey): SolidityVerifyingKey {
  return {
    alpha1: g1(vkey.vk_alpha_1, 'vk_alpha_1'),
    beta2: g2(vkey.vk_beta_2, 'vk_beta_2'),
    gamma2: g2(vkey.vk_gamma_2, 'vk_gamma_2'),
    delta2: g2(vkey.vk_delta_2, 'vk_delta_2'),
    ic: vkey.IC.map((p, i) => g1(p, `IC[${i}]`)),
  };
}

/**
 * Converts snarkjs public signals (decimal strings) to `uint256` values.
 * Throws `TENDER_VALIDATION_FAILED` for a non-decimal value or one not below
 * the scalar field modulus (the verifier would reject it).
 */
export function toPublicSignals(publicSignals: readonly string[]): bigint[] {
  return publicSignals.map((s, i) => decimal(s, `publicSignals[${i}]`, SNARK_SCALAR_FIELD));
}

/** The eight words of a proof in calldata order: `a.x, a.y, b[0][0], b[0][1], b[1][0], b[1][1], c.x, c.y`. */
export function proofWords(
  proof: SolidityProof,
): readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint] {
  return [
    proof.a[0],
    proof.a[1],
    proof.b[0][0],
    proof.b[0][1],
    proof.b[1][0],
    proof.b[1][1],
    proof.c[0],
    proof.c[1],
  ];
}

/**
 * `keccak256(abi.encode(uint256[8]))` of the proof words in {@link proofWords}
 * order — the proof's identity on-chain (e.g. for slashing evidence).
 */
export function proofHash(proof: SolidityProof): `0x${string}` {
  return keccak256(encodeAbiParameters([{ type: 'uint256[8]' }], [proofWords(proof)]));
}

/** `keccak256(abi.encodePacked(uint256[] signals))`: each signal as a 32-byte word, no length prefix. */
export function publicSignalsHash(signals: readonly bigint[]): `0x${string}` {
  return keccak256(encodePacked(['uint256[]'], [signals]));
}

/**
 * `keccak256(abi.encode(uint256[2] alpha1, uint256[2][2] beta2, uint256[2][2] gamma2,
 * uint256[2][2] delta2, uint256[2][] ic))` — five separate ABI parameters (not one
 * struct), the value the on-chain circuit registry stores.
 */
export function vkeyHash(vk: SolidityVerifyingKey): `0x${string}` {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'uint256[2]' },
        { type: 'uint256[2][2]' },
        { type: 'uint256[2][2]' },
        { type: 'uint256[2][2]' },
        { type: 'uint256[2][]' },
      ],
      [vk.alpha1, vk.beta2, vk.gamma2, vk.delta2, vk.ic],
    ),
  );
}
