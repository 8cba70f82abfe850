// Worker-thread entry of the Prover pool (see prove.ts). Each worker keeps the
// circuits it has seen loaded (witness calculator + zkey bytes) and handles
// one message at a time. Not part of the package API.
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { isTenderError } from '@tender/core';
import { buildBn128 } from 'ffjavascript';
import { groth16 } from 'snarkjs';
import { checkArtifactsInThread } from './checkArtifactsThread.ts';
import { inputSignalsBesideWasm } from './circuitSignals.ts';
import type { WorkerReply, WorkerRequest } from './proveProtocol.ts';
import type { InputSignal } from './types.ts';
import { WitnessCalculator } from './witnessCalculator.ts';

interface LoadedCircuit {
  calc: WitnessCalculator;
  zkey: Uint8Array;
}

const circuits = new Map<string, Promise<LoadedCircuit>>();

async function load(wasmPath: string, zkeyPath: string, inputSignals: readonly InputSignal[] | undefined) {
  const key = `${wasmPath}\n${zkeyPath}`;
  let loaded = circuits.get(key);
  if (!loaded) {
    loaded = (async () => {
      const signals = inputSignals ?? (await inputSignalsBesideWasm(wasmPath));
      const [calc, zkey] = await Promise.all([WitnessCalculator.load(wasmPath, signals), readFile(zkeyPath)]);
      return { calc, zkey: new Uint8Array(zkey) };
    })();
    circuits.set(key, loaded);
    loaded.catch(() => circuits.delete(key));
  }
  return loaded;
}

let singleCurve: Promise<void> | undefined;
/**
 * snarkjs asks ffjavascript for the BN254 curve on every proof; ffjavascript returns the one cached in
 * `globalThis.curve_bn128`, but builds a fresh single-threaded curve on every request. Installing one
 * single-threaded curve as the cached curve makes every proof in this thread reuse it.
 */
function useSingleThreadCurve(): Promise<void> {
  singleCurve ??= buildBn128(true).then((curve) => {
    globalThis.curve_bn128 = curve;
  });
  return singleCurve;
}

async function handle(msg: WorkerRequest): Promise<WorkerReply> {
  if (msg.type === 'close') {
    await globalThis.curve_bn128?.terminate();
    return { id: msg.id, ok: true, closed: true };
  }
  try {
    if (msg.type === 'warm') {
      // The curve engine a proof would build (snarkjs reuses the cached multi-threaded one).
      if (msg.singleThreadCurve) await useSingleThreadCurve();
      else await buildBn128();
      return { id: msg.id, ok: true, warm: true };
    }
    if (msg.singleThreadCurve) await useSingleThreadCurve();
    let zkey: Uint8Array;
    let wtns: Uint8Array;
    const t0 = performance.now();
    if (msg.type === 'check') {
      // An unregistered upload: checked completely, never cached.
      ({ zkey, wtns } = await checkArtifactsInThread(msg, msg.input, msg.callerInput));
    } else {
      const loaded = await load(msg.wasmPath, msg.zkeyPath, msg.inputSignals);
      zkey = loaded.zkey;
      wtns = loaded.calc.calculateWtns(msg.input);
    }
    const t1 = performance.now();
    const { proof, publicSignals } = await groth16.prove(
      { type: 'mem', data: zkey },
      { type: 'mem', data: wtns },
    );
    const t2 = performance.now();
    return { id: msg.id, ok: true, result: { proof, publicSignals, witnessMs: t1 - t0, proveMs: t2 - t1 } };
  } catch (error) {
    if (isTenderError(error)) {
      return {
        id: msg.id,
        ok: false,
        error: { code: error.code, message: error.message, details: { ...error.details } },
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      id: msg.id,
      ok: false,
      error: { code: 'TENDER_INTERNAL', message: `prove failed: ${message}`, details: {} },
    };
  }
}

const port = parentPort!;
let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: WorkerRequest) => {
  queue = queue.then(async () => {
    const reply = await handle(msg);
    port.postMessage(reply);
    if (msg.type === 'close') port.close();
  });
});
