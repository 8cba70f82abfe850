// The CPU-bound part of checkCircuitArtifacts (checkArtifacts.ts), run inside a prover worker
// thread (proveWorker.ts). Not part of the package API except `zeroInput`.
import { readFile } from 'node:fs/promises';
import { isTenderError } from '@tender/core';
import {
  artifactInvalid,
  assertZkeyMatchesR1cs,
  parseR1cs,
  parseZkey,
  type R1csMatrices,
} from './artifactLayout.ts';
import type { CircuitInput, InputSignal } from './types.ts';
import { WitnessCalculator } from './witnessCalculator.ts';

/** All-zero inputs of the right shapes: the default sample input. */
export function zeroInput(inputSignals: readonly InputSignal[]): CircuitInput {
  return Object.fromEntries(inputSignals.map((s) => [s.name, s.size === 1 ? 0 : Array(s.size).fill(0)]));
}

function satisfies(r1cs: R1csMatrices, witness: readonly bigint[]): number {
  const p = r1cs.prime;
  const buf = r1cs.constraints;
  const n8 = r1cs.n8;
  let pos = 0;
  const lc = () => {
    const n = buf.readUInt32LE(pos);
    pos += 4;
    let acc = 0n;
    for (let t = 0; t < n; t++) {
      const wire = buf.readUInt32LE(pos);
      let v = 0n;
      for (let i = n8 - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[pos + 4 + i]!);
      acc += v * witness[wire]!;
      pos += 4 + n8;
    }
    return acc % p;
  };
  for (let c = 0; c < r1cs.nConstraints; c++) {
    const a = lc();
    const b = lc();
    const cc = lc();
    if ((a * b - cc) % p !== 0n) return c;
  }
  return -1;
}

/**
 * The part of {@link checkCircuitArtifacts} that runs in a prover worker
 * thread (CPU-bound): parses the zkey and r1cs completely, checks the zkey's
 * coefficients against the r1cs, computes the witness of `input` with the
 * wasm and checks it against every r1cs constraint. Returns the witness file
 * and zkey bytes for the registration proof. Not part of the package API.
 */
export async function checkArtifactsInThread(
  files: { wasmPath: string; zkeyPath: string; r1csPath: string; inputSignals: readonly InputSignal[] },
  input: CircuitInput,
  callerInput: boolean,
): Promise<{ wtns: Uint8Array; zkey: Uint8Array }> {
  const [zkeyBytes, r1csBytes] = await Promise.all([readFile(files.zkeyPath), readFile(files.r1csPath)]);
  const r1cs = parseR1cs(r1csBytes);
  const zkey = parseZkey(zkeyBytes);
  assertZkeyMatchesR1cs(zkey, r1cs);
  let calc: WitnessCalculator;
  try {
    calc = await WitnessCalculator.load(files.wasmPath, files.inputSignals);
  } catch {
    throw artifactInvalid('wasm', 'load', 'the wasm is not a circom 2 witness generator');
  }
  if (calc.prime !== r1cs.prime)
    throw artifactInvalid('wasm', 'r1cs_match', 'the wasm computes over another field');
  let witness: bigint[];
  let wtns: Uint8Array;
  try {
    witness = calc.calculate(input);
    wtns = calc.calculateWtns(input);
  } catch (error) {
    const why = isTenderError(error) ? error.message : String(error);
    throw callerInput
      ? artifactInvalid('sampleInput', 'witness', `the sample input does not compute a witness: ${why}`)
      : artifactInvalid(
          'wasm',
          'witness',
          `the wasm computes no witness for all-zero inputs (${why}); give a sampleInput the circuit accepts`,
        );
  }
  if (witness.length !== r1cs.nWires) {
    throw artifactInvalid('wasm', 'r1cs_match', 'the wasm computes a witness of another circuit', {
      reason: 'witness_length',
      witness: witness.length,
      r1csWires: r1cs.nWires,
    });
  }
  const failed = satisfies(r1cs, witness);
  if (failed >= 0) {
    throw artifactInvalid('wasm', 'constraints', 'the witness the wasm computes does not satisfy the r1cs', {
      constraint: failed,
    });
  }
  return { wtns, zkey: new Uint8Array(zkeyBytes) };
}
