import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TenderError } from '@tender/core';
import { inputSignalsBesideWasm } from './circuitSignals.ts';
import type { ProveResult, WorkerReply, WorkerRequest } from './proveProtocol.ts';
import type { CircuitInput, InputSignal } from './types.ts';
import { WitnessCalculator } from './witnessCalculator.ts';

export type { ProveResult } from './proveProtocol.ts';

/** The artifacts a proof needs. `inputSignals` (from `compileCircuit`) lets input errors name missing signals. */
export interface ProvableCircuit {
  wasmPath: string;
  zkeyPath: string;
  inputSignals?: readonly InputSignal[];
}

/** Options of {@link Prover}. */
export interface ProverOptions {
  /** Worker threads proving in parallel (default 1). Each one keeps its own loaded circuits. */
  threads?: number;
  /** How long `close()` waits for a worker to exit on its own before terminating it (default 10 s). */
  closeTimeoutMs?: number;
  /**
   * snarkjs's curve engine inside each thread: `multi` (default) spreads each proof's FFTs and
   * multi-exponentiations over one curve worker per CPU core; `single` keeps each proof on its
   * thread (better throughput with `threads` ≈ cores and many small proofs).
   */
  curve?: 'multi' | 'single';
}

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (error: unknown) => void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
  exited: Promise<number>;
}

const require = createRequire(import.meta.url);
const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
const entry = new URL('./proveWorker.ts', import.meta.url).href;
// ffjavascript (snarkjs's curve engine) starts its own threads through the `web-worker` package, which
// picks its role from `isMainThread` when first loaded. Loaded in a worker it would act as a curve-worker
// child and break snarkjs ("Worker is not a constructor"); loading it once as if on the main thread lets
// each prover thread run snarkjs multi-threaded, exactly as the main thread would.
const webWorker = createRequire(require.resolve('ffjavascript')).resolve('web-worker');
// Workers load TypeScript through tsx's loader (the repo runs TS source directly), whether or not
// the parent process itself runs under tsx (vitest's forks do not).
const bootstrap = `
const threads = require('node:worker_threads');
const { workerData } = threads;
threads.isMainThread = true;
require(workerData.webWorker);
threads.isMainThread = false;
import(workerData.tsxApi)
  .then((tsx) => { tsx.register(); return import(workerData.entry); })
  .catch((error) => { console.error(error); process.exit(1); });
`;

/**
 * A pool of worker threads that compute witnesses and Groth16 proofs with
 * snarkjs, so the calling process stays responsive. Each worker keeps every
 * circuit it has proved loaded (witness wasm + zkey bytes). `close()` waits
 * for queued proofs, terminates snarkjs's curve workers inside each thread
 * and ends the threads — without it the process never exits.
 *
 * @example
 * const prover = new Prover({ threads: 2 });
 * try {
 *   const { proof, publicSignals } = await prover.prove({ wasmPath, zkeyPath }, { a: 3, b: [4, 5], c: 6 });
 * } finally {
 *   await prover.close();
 * }
 */
export class Prover {
  readonly #threads: number;
  readonly #closeTimeoutMs: number;
  readonly #singleThreadCurve: boolean;
  readonly #workers: PoolWorker[] = [];
  #nextId = 1;
  #closed = false;

  constructor(opts: ProverOptions = {}) {
    this.#threads = Math.max(1, Math.floor(opts.threads ?? 1));
    this.#closeTimeoutMs = opts.closeTimeoutMs ?? 10_000;
    this.#singleThreadCurve = opts.curve === 'single';
  }

  /** Number of worker threads currently running (started lazily on the first proof). */
  get liveThreads(): number {
    return this.#workers.length;
  }

  #spawn(): PoolWorker {
    const worker = new Worker(bootstrap, { eval: true, workerData: { tsxApi, entry, webWorker } });
    const pending = new Map<number, Pending>();
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const pw: PoolWorker = { worker, pending, exited };
    worker.on('message', (reply: WorkerReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      p?.resolve(reply);
    });
    const fail = (cause: unknown) => {
      const i = this.#workers.indexOf(pw);
      if (i >= 0) this.#workers.splice(i, 1);
      for (const p of pending.values()) {
        p.reject(new TenderError('TENDER_INTERNAL', 'prover worker stopped unexpectedly', { cause }));
      }
      pending.clear();
    };
    worker.on('error', fail);
    void exited.then((code) => fail(new Error(`worker exited with code ${code}`)));
    this.#workers.push(pw);
    return pw;
  }

  #pick(): PoolWorker {
    if (this.#workers.length < this.#threads) {
      const idle = this.#workers.find((w) => w.pending.size === 0);
      if (idle) return idle;
      return this.#spawn();
    }
    return this.#workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  #send(pw: PoolWorker, request: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      pw.pending.set(request.id, { resolve, reject });
      pw.worker.postMessage(request);
    });
  }

  /**
   * Starts every thread now, each loading snarkjs and building its curve
   * engine, so that no proof pays for a thread's start-up (seconds on a busy
   * machine). Threads otherwise start lazily, when a proof finds none idle —
   * then that proof is slow in a way earlier proofs never showed. Safe to
   * call again; threads already running just answer.
   *
   * @throws TenderError `TENDER_PROVER_CLOSED` after `close()`.
   */
  async warm(): Promise<void> {
    if (this.#closed) throw new TenderError('TENDER_PROVER_CLOSED', 'prover is closed');
    while (this.#workers.length < this.#threads) this.#spawn();
    const replies = await Promise.all(
      this.#workers.map((pw) =>
        this.#send(pw, { id: this.#nextId++, type: 'warm', singleThreadCurve: this.#singleThreadCurve }),
      ),
    );
    for (const reply of replies) {
      if (!reply.ok)
        throw new TenderError(reply.error.code, reply.error.message, { details: reply.error.details });
    }
  }

  /**
   * Computes the witness for `input` and a Groth16 proof on it in a worker
   * thread. Throws `TENDER_INPUT_INVALID` naming the bad signal,
   * `TENDER_WITNESS_FAILED` when a circuit assertion fails, and
   * `TENDER_PROVER_CLOSED` after `close()`.
   */
  async prove(circuit: ProvableCircuit, input: CircuitInput): Promise<ProveResult> {
    if (this.#closed) throw new TenderError('TENDER_PROVER_CLOSED', 'prover is closed');
    const pw = this.#pick();
    const reply = await this.#send(pw, {
      id: this.#nextId++,
      type: 'prove',
      wasmPath: circuit.wasmPath,
      zkeyPath: circuit.zkeyPath,
      inputSignals: circuit.inputSignals,
      singleThreadCurve: this.#singleThreadCurve,
      input,
    });
    if (!reply.ok) {
      throw new TenderError(reply.error.code, reply.error.message, { details: reply.error.details });
    }
    if (!('result' in reply)) throw new TenderError('TENDER_INTERNAL', 'unexpected prover worker reply');
    return reply.result;
  }

  /**
   * Like {@link Prover.prove} for artifacts that are not registered yet: in a
   * worker thread, checks them completely first (`checkArtifactsInThread`:
   * zkey and r1cs structure, zkey against r1cs, witness of `input` against
   * every constraint), then proves. Nothing is cached. Throws
   * `TENDER_ARTIFACT_INVALID` naming the artifact and the check. Used by
   * `checkCircuitArtifacts`.
   */
  async proveChecked(
    circuit: Required<ProvableCircuit> & { r1csPath: string },
    input: CircuitInput,
    callerInput: boolean,
  ): Promise<ProveResult> {
    if (this.#closed) throw new TenderError('TENDER_PROVER_CLOSED', 'prover is closed');
    const reply = await this.#send(this.#pick(), {
      id: this.#nextId++,
      type: 'check',
      wasmPath: circuit.wasmPath,
      zkeyPath: circuit.zkeyPath,
      r1csPath: circuit.r1csPath,
      inputSignals: circuit.inputSignals,
      singleThreadCurve: this.#singleThreadCurve,
      input,
      callerInput,
    });
    if (!reply.ok) {
      throw new TenderError(reply.error.code, reply.error.message, { details: reply.error.details });
    }
    if (!('result' in reply)) throw new TenderError('TENDER_INTERNAL', 'unexpected prover worker reply');
    return reply.result;
  }

  /**
   * Lets queued proofs finish, terminates snarkjs's BN254 curve workers in
   * every thread, then ends the threads (terminating any that do not exit
   * within `closeTimeoutMs`). Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers.splice(0);
    await Promise.all(
      workers.map(async (pw) => {
        const id = this.#nextId++;
        const done = this.#send(pw, { id, type: 'close' }).catch(() => undefined);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), this.#closeTimeoutMs);
        });
        const outcome = await Promise.race([done.then(() => pw.exited), timeout]);
        clearTimeout(timer);
        if (outcome === 'timeout') await pw.worker.terminate();
      }),
    );
  }
}

const calculators = new Map<string, Promise<WitnessCalculator>>();

/**
 * Computes a circuit's full witness in this thread (no proof), keeping the
 * witness calculator loaded for later calls with the same wasm. For circuit
 * tests: compare `witness[i]` with a reference model. Input errors as in
 * {@link Prover.prove}.
 *
 * @example
 * const w = await calculateWitness(compiled.wasmPath, { a: 3, b: [4, 5], c: 6 });
 * expect(w[1]).toBe(42n); // first output
 */
export async function calculateWitness(wasmPath: string, input: CircuitInput): Promise<bigint[]> {
  let calc = calculators.get(wasmPath);
  if (!calc) {
    calc = inputSignalsBesideWasm(wasmPath).then((signals) => WitnessCalculator.load(wasmPath, signals));
    calculators.set(wasmPath, calc);
    calc.catch(() => calculators.delete(wasmPath));
  }
  return (await calc).calculate(input);
}
