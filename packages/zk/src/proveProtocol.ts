// Messages between the Prover (prove.ts) and its worker threads (proveWorker.ts).
import type { ErrorCode } from '@tender/core';
import type { CircuitInput, Groth16Proof, InputSignal } from './types.ts';

/** What a proof run returns. */
export interface ProveResult {
  /** The proof in snarkjs's JSON shape (decimal strings). */
  proof: Groth16Proof;
  /** Public signals in snarkjs order (outputs, then public inputs), decimal strings. */
  publicSignals: string[];
  /** Milliseconds spent computing the witness. */
  witnessMs: number;
  /** Milliseconds spent in Groth16 proving on that witness. */
  proveMs: number;
}

/** A request to a prover worker. */
export type WorkerRequest =
  | {
      id: number;
      type: 'prove';
      wasmPath: string;
      zkeyPath: string;
      inputSignals: readonly InputSignal[] | undefined;
      singleThreadCurve: boolean;
      input: CircuitInput;
    }
  | {
      id: number;
      type: 'check';
      wasmPath: string;
      zkeyPath: string;
      r1csPath: string;
      inputSignals: readonly InputSignal[];
      singleThreadCurve: boolean;
      input: CircuitInput;
      callerInput: boolean;
    }
  | { id: number; type: 'warm'; singleThreadCurve: boolean }
  | { id: number; type: 'close' };

/** A prover worker's answer to one request. */
export type WorkerReply =
  | { id: number; ok: true; result: ProveResult }
  | { id: number; ok: true; closed: true }
  | { id: number; ok: true; warm: true }
  | { id: number; ok: false; error: { code: ErrorCode; message: string; details: Record<string, unknown> } };
