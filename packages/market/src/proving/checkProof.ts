import { readFile } from 'node:fs/promises';
import { isTenderError, TenderError } from '@tender/core';
import { type Groth16Proof, type VerificationKey, verifyProof } from '@tender/zk';

/** The verdict on a submitted proof. */
export type ProofVerdict =
  | { valid: true }
  | {
      valid: false;
      /** `invalid_proof`: the Groth16 check failed (slashable on-chain); `public_signals_mismatch`: it verifies, but for other signals than the job's. */
      kind: 'invalid_proof' | 'public_signals_mismatch';
      reason: string;
    };

const MAX_CACHED_KEYS = 256;
const keys = new Map<string, Promise<VerificationKey>>();

/**
 * The parsed verification key at `path` (a circuit's `vkeyPath`: absolute, or
 * relative to the process's working folder), read once per process and kept
 * (at most 256 keys; artifacts are content-addressed, so a path never changes
 * content). A read that fails is not cached.
 */
export function loadVerificationKey(path: string): Promise<VerificationKey> {
  let key = keys.get(path);
  if (key === undefined) {
    key = readFile(path, 'utf8').then((text) => JSON.parse(text) as VerificationKey);
    key.catch(() => keys.delete(path));
    if (keys.size >= MAX_CACHED_KEYS) keys.delete(keys.keys().next().value as string);
    keys.set(path, key);
  }
  return key;
}

/**
 * Judges a proof for a job: it must verify against the circuit's verification
 * key (@tender/zk `verifyProof`, which also rejects malformed points and
 * signals) and its public signals must equal, element for element, the signals
 * computed from the job's input at submission (`expected`; an empty list means
 * none were stored and only the proof is checked).
 *
 * @throws TenderError `TENDER_INTERNAL` when the verification key cannot be read (nothing about the proof).
 */
export async function checkProof(
  vkeyPath: string,
  expected: readonly string[],
  proof: Groth16Proof,
  publicSignals: readonly string[],
): Promise<ProofVerdict> {
  let vkey: VerificationKey;
  try {
    vkey = await loadVerificationKey(vkeyPath);
  } catch (cause) {
    throw new TenderError('TENDER_INTERNAL', 'the circuit verification key cannot be read', {
      details: { vkeyPath },
      cause,
    });
  }
  try {
    await verifyProof(vkey, publicSignals, proof);
  } catch (error) {
    if (!isTenderError(error, 'TENDER_PROOF_INVALID')) throw error;
    const reason = (error.details['reason'] as string | undefined) ?? error.message;
    return { valid: false, kind: 'invalid_proof', reason };
  }
  if (expected.length > 0) {
    const differs =
      expected.length !== publicSignals.length || expected.some((value, i) => value !== publicSignals[i]);
    if (differs) {
      const at = expected.findIndex((value, i) => value !== publicSignals[i]);
      return {
        valid: false,
        kind: 'public_signals_mismatch',
        reason: `public signals differ from the job's (first at index ${at < 0 ? expected.length : at})`,
      };
    }
  }
  return { valid: true };
}
