import { TenderError } from '@tender/core';
import type { Circuit } from '@tender/db';
import { type CircuitInput, checkInput, SNARK_SCALAR_FIELD, WitnessCalculator } from '@tender/zk';
import { circuitInputSignals } from '../circuits/readCircuits.ts';

/** Loaded witness generators by wasm path (content-addressed, so a path never changes meaning). */
const calculators = new Map<string, Promise<WitnessCalculator>>();
const MAX_CALCULATORS = 16;

function calculatorFor(circuit: Circuit): Promise<WitnessCalculator> {
  let calc = calculators.get(circuit.wasmPath);
  if (calc === undefined) {
    if (calculators.size >= MAX_CALCULATORS) {
      const oldest = calculators.keys().next().value;
      if (oldest !== undefined) calculators.delete(oldest);
    }
    calc = WitnessCalculator.load(circuit.wasmPath, circuitInputSignals(circuit));
    calculators.set(circuit.wasmPath, calc);
    calc.catch(() => calculators.delete(circuit.wasmPath));
  }
  return calc;
}

/**
 * Checks a job input against its circuit and computes the public signals a
 * valid proof must yield. First the shape (`checkInput` against the circuit's
 * input signals: missing, unknown, wrong length, not an integer, outside the
 * field), then the witness itself, so inputs that break one of the circuit's
 * assertions (a pixel out of range…) are refused too. Both are
 * `TENDER_INPUT_INVALID` (400); shape errors name the signal in
 * `details.signal`, witness failures carry `details.reason: 'witness_failed'`.
 *
 * Returns the public signals as decimal strings, in snarkjs order.
 */
export async function expectedPublicSignals(circuit: Circuit, input: unknown): Promise<string[]> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TenderError('TENDER_INPUT_INVALID', 'input must be an object keyed by signal name');
  }
  checkInput(input as CircuitInput, circuitInputSignals(circuit), SNARK_SCALAR_FIELD);
  const calc = await calculatorFor(circuit);
  let witness: bigint[];
  try {
    witness = calc.calculate(input as CircuitInput);
  } catch (error) {
    if (error instanceof TenderError && error.code === 'TENDER_WITNESS_FAILED') {
      throw new TenderError('TENDER_INPUT_INVALID', `input does not satisfy the circuit: ${error.message}`, {
        details: { reason: 'witness_failed', circomMessage: error.details.circomMessage ?? null },
        cause: error,
      });
    }
    throw error;
  }
  return witness.slice(1, 1 + circuit.publicSignalNames.length).map((v) => v.toString());
}
