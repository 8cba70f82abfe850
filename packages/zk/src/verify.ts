import { groth16 } from 'snarkjs';
import { bn128, parseProof, parseSignals, parseVkey } from './groth16Points.ts';
import { InvalidProofError } from './InvalidProofError.ts';
import type { Groth16Proof, VerificationKey } from './types.ts';

/**
 * Verifies one Groth16 proof; resolves when it is valid and throws
 * {@link InvalidProofError} (`TENDER_PROOF_INVALID`, with the reason) when it
 * is not — never returns `false`. Besides snarkjs's pairing check it rejects
 * what the EVM precompiles reject: coordinates not below the base field
 * modulus, points off the curve or (for G2) outside the subgroup, and public
 * signals not below the scalar field modulus or of the wrong count.
 *
 * snarkjs verifies on its shared multi-threaded curve: call
 * {@link terminateCurves} at shutdown.
 *
 * @example
 * await verifyProof(vkey, publicSignals, proof); // throws if invalid
 */
export async function verifyProof(
  vkey: VerificationKey,
  publicSignals: readonly string[],
  proof: Groth16Proof,
): Promise<void> {
  const curve = await bn128();
  const vk = parseVkey(curve, vkey);
  parseProof(curve, proof);
  parseSignals(publicSignals, vk.nPublic);
  let ok: boolean;
  try {
    ok = await groth16.verify(vkey, publicSignals, proof);
  } catch (cause) {
    throw new InvalidProofError('proof could not be checked', { cause: String(cause) });
  }
  if (!ok) throw new InvalidProofError('pairing check failed');
}

/**
 * Terminates snarkjs's shared multi-threaded BN254 curve in this thread (it
 * is started by snarkjs proving and verifying and keeps the process alive).
 * Safe to call when none is running; a later snarkjs call starts a new one.
 */
export async function terminateCurves(): Promise<void> {
  await globalThis.curve_bn128?.terminate();
}
