import { bn254 } from '@noble/curves/bn254';
import type { Groth16ProofJson } from './proverTypes.ts';

/** A Groth16 verification key as snarkjs writes it (`verification_key.json`). */
export interface Groth16VerificationKey {
  protocol?: string;
  curve?: string;
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

/** The BN254 scalar field order: public signals must be below it. */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246398737357918428728861713653585817308328490003945336833n;

const { G1, G2, fields } = bn254;

function int(value: unknown, what: string): bigint {
  if (typeof value !== 'string' || !/^[0-9]{1,80}$/.test(value)) {
    throw new TypeError(`${what} is not a decimal integer string`);
  }
  return BigInt(value);
}

function g1(p: readonly unknown[] | undefined, what: string) {
  if (!Array.isArray(p) || p.length < 2) throw new TypeError(`${what} is not a G1 point`);
  if (p.length > 2 && p[2] !== '1') throw new TypeError(`${what} is not in affine form (z ≠ 1)`);
  const point = G1.ProjectivePoint.fromAffine({ x: int(p[0], `${what}.x`), y: int(p[1], `${what}.y`) });
  point.assertValidity();
  return point;
}

function g2(p: readonly (readonly unknown[])[] | undefined, what: string) {
  if (!Array.isArray(p) || p.length < 2) throw new TypeError(`${what} is not a G2 point`);
  const [x, y, z] = p as unknown[][];
  if (z !== undefined && (z[0] !== '1' || z[1] !== '0')) {
    throw new TypeError(`${what} is not in affine form (z ≠ 1)`);
  }
  // snarkjs writes each coordinate as [real, imaginary] = (c0, c1).
  const fp2 = (c: unknown[] | undefined, name: string) =>
    fields.Fp2.fromBigTuple([int(c?.[0], `${what}.${name}[0]`), int(c?.[1], `${what}.${name}[1]`)]);
  const point = G2.ProjectivePoint.fromAffine({ x: fp2(x, 'x'), y: fp2(y, 'y') });
  point.assertValidity();
  return point;
}

/**
 * Verifies a Groth16 proof (snarkjs JSON, BN254) against a verification key
 * and public signals, in pure JavaScript (`@noble/curves` pairings): checks
 * `e(-A, B) · e(α, β) · e(vk_x, γ) · e(C, δ) = 1` with
 * `vk_x = IC₀ + Σ sᵢ·ICᵢ₊₁`. Returns false for a proof that does not verify,
 * a point off the curve or out of its subgroup, or a signal not below the
 * scalar field; never throws for bad input.
 *
 * @example
 * const ok = verifyGroth16(vkey, job.proof.proof, job.proof.publicSignals);
 */
export function verifyGroth16(
  vkey: Groth16VerificationKey,
  proof: Groth16ProofJson,
  publicSignals: readonly string[],
): boolean {
  try {
    if (vkey.IC.length !== publicSignals.length + 1) return false;
    const signals = publicSignals.map((s, i) => int(s, `publicSignals[${i}]`));
    if (signals.some((s) => s >= SNARK_SCALAR_FIELD)) return false;
    let vkX = g1(vkey.IC[0], 'IC[0]');
    signals.forEach((s, i) => {
      if (s !== 0n) vkX = vkX.add(g1(vkey.IC[i + 1], `IC[${i + 1}]`).multiply(s));
    });
    const a = g1(proof.pi_a, 'pi_a');
    const b = g2(proof.pi_b, 'pi_b');
    const c = g1(proof.pi_c, 'pi_c');
    if (a.equals(G1.ProjectivePoint.ZERO) || c.equals(G1.ProjectivePoint.ZERO)) return false;
    if (vkX.equals(G1.ProjectivePoint.ZERO)) return false;
    const product = bn254.pairingBatch([
      { g1: a.negate(), g2: b },
      { g1: g1(vkey.vk_alpha_1, 'vk_alpha_1'), g2: g2(vkey.vk_beta_2, 'vk_beta_2') },
      { g1: vkX, g2: g2(vkey.vk_gamma_2, 'vk_gamma_2') },
      { g1: c, g2: g2(vkey.vk_delta_2, 'vk_delta_2') },
    ]);
    return fields.Fp12.eql(product, fields.Fp12.ONE);
  } catch {
    return false;
  }
}
