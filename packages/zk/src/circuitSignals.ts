import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { TenderError } from '@tender/core';
import { readR1csHeader } from './r1csHeader.ts';
import type { InputSignal } from './types.ts';

/** The signal layout of a compiled circuit, read from its r1cs header and sym file. */
export interface CircuitSignals {
  /** Number of R1CS constraints. */
  constraints: number;
  /** Number of public signals (outputs + public inputs). */
  publicSignals: number;
  /** Public signal names in snarkjs order (outputs, then public inputs), without `main.`. */
  publicSignalNames: string[];
  /** Inputs of the main component in witness order (public first), with flattened sizes. */
  inputSignals: InputSignal[];
}

/**
 * Reads a circuit's signal layout. In a circom `.sym` file, label ids
 * 1..(nPubOut + nPubIn + nPrvIn) are the main component's outputs, public
 * inputs and private inputs, in that order; array elements appear one per
 * label (`main.x[0][1]`) and are grouped back into one signal here.
 */
export async function readCircuitSignals(r1csPath: string, symPath: string): Promise<CircuitSignals> {
  const header = await readR1csHeader(r1csPath);
  const sym = await readFile(symPath, 'utf8');
  const { nPubOut, nPubIn, nPrvIn } = header;
  const labels = new Map<number, string>();
  for (const line of sym.split('\n')) {
    const [label, , , name] = line.split(',');
    if (name !== undefined) labels.set(Number(label), name.trim());
  }
  const names: string[] = [];
  for (let id = 1; id <= nPubOut + nPubIn + nPrvIn; id++) {
    const full = labels.get(id);
    if (full === undefined || !full.startsWith('main.')) {
      throw new TenderError('TENDER_ARTIFACT_INVALID', `sym file has no main signal for label ${id}`, {
        details: { symPath },
      });
    }
    names.push(full.slice('main.'.length));
  }
  const inputSignals: InputSignal[] = [];
  names.slice(nPubOut).forEach((name, i) => {
    const base = name.replace(/\[.*$/, '');
    const isPublic = i < nPubIn;
    const last = inputSignals.at(-1);
    if (last && last.name === base && last.public === isPublic) last.size++;
    else inputSignals.push({ name: base, size: 1, public: isPublic });
  });
  return {
    constraints: header.nConstraints,
    publicSignals: nPubOut + nPubIn,
    publicSignalNames: names.slice(0, nPubOut + nPubIn),
    inputSignals,
  };
}

/**
 * Finds the input signals of a circuit from its witness wasm path when the
 * compiler's layout is intact (`<dir>/<name>_js/<name>.wasm` beside
 * `<dir>/<name>.r1cs` and `<dir>/<name>.sym`); `undefined` otherwise.
 */
export async function inputSignalsBesideWasm(wasmPath: string): Promise<InputSignal[] | undefined> {
  const name = path.basename(wasmPath, '.wasm');
  const dir = path.dirname(path.dirname(wasmPath));
  const r1csPath = path.join(dir, `${name}.r1cs`);
  const symPath = path.join(dir, `${name}.sym`);
  const found = await Promise.all([stat(r1csPath), stat(symPath)]).then(
    () => true,
    () => false,
  );
  if (!found) return undefined;
  return (await readCircuitSignals(r1csPath, symPath)).inputSignals;
}
