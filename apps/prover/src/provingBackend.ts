import type { CircuitInput, Groth16Proof } from '@tender/zk';

/** One proof to compute: the circuit's cached artifacts and the job's input. */
export interface ProvingTask {
  circuitId: string;
  wasmPath: string;
  zkeyPath: string;
  input: CircuitInput;
  /** Aborted when the assignment is cancelled or the worker gives it up; the backend may stop early. */
  signal: AbortSignal;
}

/** A Groth16 proof and its public signals, as snarkjs writes them. */
export interface ProvingResult {
  proof: Groth16Proof;
  publicSignals: string[];
}

/**
 * How a prover worker computes proofs. `snarkjsBackend` (CPU, worker threads)
 * and `externalBackend` (a rapidsnark-shaped command) ship with the worker;
 * tests inject their own (a dishonest one that corrupts proofs, a silent one
 * that never finishes).
 */
export interface ProvingBackend {
  /** Shown in logs and used to key measured speeds. */
  readonly name: string;
  prove(task: ProvingTask): Promise<ProvingResult>;
  /**
   * Optional: gets ready before the worker registers (threads started, engines loaded), so
   * that no proof — and no measured time — includes the backend's start-up.
   */
  warm?(): Promise<void>;
  /** Releases threads / processes; pending proofs may be dropped. */
  close(): Promise<void>;
}

/** Rejects with the signal's reason as soon as `signal` aborts, else settles like `work`. */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('proof aborted');
}
