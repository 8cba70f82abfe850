import { TenderError } from '@tender/core';

/**
 * Thrown when a Groth16 proof does not verify (code `TENDER_PROOF_INVALID`).
 * `reason` says which element is at fault (e.g. `pi_b not in G2 subgroup`,
 * `publicSignals[2] not below the field modulus`, `pairing check failed`).
 */
export class InvalidProofError extends TenderError {
  override name = 'InvalidProofError';
  readonly reason: string;

  constructor(reason: string, details: Record<string, unknown> = {}) {
    super('TENDER_PROOF_INVALID', `invalid proof: ${reason}`, { details: { reason, ...details } });
    this.reason = reason;
  }
}
