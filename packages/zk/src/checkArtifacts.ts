import { isTenderError } from '@tender/core';
import { artifactInvalid } from './artifactLayout.ts';
import { zeroInput } from './checkArtifactsThread.ts';
import { Prover } from './prove.ts';
import type { CircuitInput, InputSignal, VerificationKey } from './types.ts';
import { verifyProof } from './verify.ts';
import { sameVerificationKey, vkeyFromZkey } from './vkeyFromZkey.ts';

/** The files of a circuit to check before it is registered. */
export interface CircuitArtifactFiles {
  wasmPath: string;
  zkeyPath: string;
  r1csPath: string;
  /** The uploaded verification key (already parsed as JSON). */
  vkey: VerificationKey;
  /** Inputs of the main component, from the r1cs/sym (`readCircuitSignals`). */
  inputSignals: readonly InputSignal[];
}

/** What {@link checkCircuitArtifacts} measured. */
export interface ArtifactCheckReport {
  /** Structure, r1cs match, witness and constraint check, in the worker thread, ms. */
  checkMs: number;
  /** The registration proof, ms. */
  proveMs: number;
  /** Verifying it with the uploaded key, ms. */
  verifyMs: number;
  /** The sample input used (the caller's, or zeros). */
  sampleInput: CircuitInput;
}

/**
 * Checks a circuit's artifacts completely before it is registered, so that a
 * broken or mismatched file can never reach a prover:
 *
 * 1. the zkey and r1cs parse completely (every section exactly as long as the
 *    header says — a truncated or padded file fails);
 * 2. the zkey was set up for this r1cs (counts, domain, and its A/B
 *    coefficients equal the r1cs matrices);
 * 3. the wasm computes a witness for the sample input (`sampleInput`, or all
 *    zeros) of the r1cs's length that satisfies every r1cs constraint;
 * 4. the uploaded verification key is the zkey's;
 * 5. a Groth16 proof of that witness made with the zkey verifies under the
 *    uploaded key (catches corrupted proving-key points the witness uses).
 *
 * Steps 1–3 and the proof run in a prover worker thread (`prover`, or one
 * started and closed for this call), off the caller's event loop. Throws
 * `TENDER_ARTIFACT_INVALID` with `details.kind` (the artifact: zkey, r1cs,
 * vkey, wasm, sampleInput) and `details.check` (structure, r1cs_match,
 * witness, constraints, vkey_match, proof).
 *
 * @example
 * const report = await checkCircuitArtifacts({ wasmPath, zkeyPath, r1csPath, vkey, inputSignals });
 */
export async function checkCircuitArtifacts(
  files: CircuitArtifactFiles,
  opts: { sampleInput?: CircuitInput; prover?: Prover } = {},
): Promise<ArtifactCheckReport> {
  const sampleInput = opts.sampleInput ?? zeroInput(files.inputSignals);
  const prover = opts.prover ?? new Prover({ threads: 1 });
  try {
    const t0 = performance.now();
    const result = await prover
      .proveChecked(
        {
          wasmPath: files.wasmPath,
          zkeyPath: files.zkeyPath,
          r1csPath: files.r1csPath,
          inputSignals: files.inputSignals,
        },
        sampleInput,
        opts.sampleInput !== undefined,
      )
      .catch((error: unknown) => {
        if (isTenderError(error, 'TENDER_ARTIFACT_INVALID') || isTenderError(error, 'TENDER_PROVER_CLOSED')) {
          throw error;
        }
        // The files passed every structural check, so what failed is proving with this zkey.
        throw artifactInvalid('zkey', 'proof', 'proving with the zkey failed', {
          reason: error instanceof Error ? error.message.slice(0, 200) : String(error),
        });
      });
    const t1 = performance.now();
    const fromZkey = await vkeyFromZkey(files.zkeyPath);
    if (!sameVerificationKey(files.vkey, fromZkey)) {
      throw artifactInvalid('vkey', 'vkey_match', 'the verification key does not match the zkey', {
        reason: 'vkey_mismatch',
      });
    }
    const t2 = performance.now();
    try {
      await verifyProof(files.vkey, result.publicSignals, result.proof);
    } catch (error) {
      throw artifactInvalid(
        'zkey',
        'proof',
        'a proof made with the zkey does not verify under the verification key',
        {
          reason: isTenderError(error) ? error.message : String(error),
        },
      );
    }
    const t3 = performance.now();
    return {
      checkMs: t1 - t0 - result.proveMs,
      proveMs: result.proveMs,
      verifyMs: t3 - t2,
      sampleInput,
    };
  } finally {
    if (opts.prover === undefined) await prover.close();
  }
}
