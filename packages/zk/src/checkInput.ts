import { TenderError } from '@tender/core';
import type { CircuitInput, InputSignal, SignalValue } from './types.ts';

/** Circuit inputs after {@link checkInput}: each signal's flattened elements reduced into the field. */
export type NormalizedInput = Map<string, bigint[]>;

function invalid(signal: string, message: string, details: Record<string, unknown> = {}): TenderError {
  return new TenderError('TENDER_INPUT_INVALID', `input signal ${signal}: ${message}`, {
    details: { signal, ...details },
  });
}

function toFieldElement(value: unknown, where: string, prime: bigint): bigint {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw invalid(where, `${value} is not a safe integer`);
    v = BigInt(value);
  } else if (typeof value === 'string' && /^(-?[0-9]+|0x[0-9a-fA-F]+)$/.test(value)) v = BigInt(value);
  else throw invalid(where, `${JSON.stringify(value) ?? String(value)} is not an integer`);
  // circom's convention: negative values stand for prime - |v|.
  if (v >= prime || -v >= prime) throw invalid(where, 'value is outside the field', { value: v.toString() });
  return v < 0n ? v + prime : v;
}

function flatten(name: string, value: SignalValue, prime: bigint, out: bigint[], path: string): void {
  if (Array.isArray(value)) {
    value.forEach((v: SignalValue, i: number) => {
      flatten(name, v, prime, out, `${path}[${i}]`);
    });
    return;
  }
  out.push(toFieldElement(value, path, prime));
}

/**
 * Checks a circuit input object and flattens it: every value must be an
 * integer (bigint, safe number, decimal or 0x-hex string; negatives mean
 * `prime - |v|`) inside the field, arrays are flattened row-major. With the
 * circuit's `signals`, also rejects missing and unknown signals and wrong
 * lengths. Throws `TENDER_INPUT_INVALID` naming the offending signal.
 *
 * @example
 * checkInput({ a: 3, b: [1n, '2'], c: '0x05' }, compiled.inputSignals, SNARK_SCALAR_FIELD);
 */
export function checkInput(
  input: CircuitInput,
  signals: readonly InputSignal[] | undefined,
  prime: bigint,
): NormalizedInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TenderError('TENDER_INPUT_INVALID', 'circuit input must be an object keyed by signal name');
  }
  const out: NormalizedInput = new Map();
  const known = signals ? new Map(signals.map((s) => [s.name, s])) : undefined;
  for (const [name, value] of Object.entries(input)) {
    const signal = known?.get(name);
    if (known && !signal) throw invalid(name, 'is not an input of this circuit');
    const flat: bigint[] = [];
    flatten(name, value, prime, flat, name);
    if (signal && flat.length !== signal.size) {
      throw invalid(name, `expected ${signal.size} element(s), got ${flat.length}`, {
        expected: signal.size,
        actual: flat.length,
      });
    }
    out.set(name, flat);
  }
  for (const s of signals ?? []) {
    if (!out.has(s.name)) throw invalid(s.name, 'is missing', { expected: s.size });
  }
  return out;
}
