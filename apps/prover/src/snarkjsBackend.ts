import { Prover } from '@tender/zk';
import { abortable, type ProvingBackend } from './provingBackend.ts';

/** Options of {@link snarkjsBackend}. */
export interface SnarkjsBackendOptions {
  /** Worker threads proving in parallel (default 1; use the worker's concurrency). */
  threads?: number;
  /** snarkjs curve engine per thread (see `@tender/zk` ProverOptions.curve). */
  curve?: 'multi' | 'single';
}

/**
 * The default CPU backend: the `@tender/zk` {@link Prover} (snarkjs in worker
 * threads, each keeping its circuits loaded). `warm()` starts every thread
 * up front. An aborted task is dropped at once; the thread finishes it in the
 * background.
 *
 * @example
 * const backend = snarkjsBackend({ threads: 2 });
 */
export function snarkjsBackend(opts: SnarkjsBackendOptions = {}): ProvingBackend {
  const prover = new Prover({ threads: opts.threads ?? 1, ...(opts.curve ? { curve: opts.curve } : {}) });
  return {
    name: 'snarkjs',
    async prove(task) {
      const { proof, publicSignals } = await abortable(
        prover.prove({ wasmPath: task.wasmPath, zkeyPath: task.zkeyPath }, task.input),
        task.signal,
      );
      return { proof, publicSignals };
    },
    warm: () => prover.warm(),
    close: () => prover.close(),
  };
}
