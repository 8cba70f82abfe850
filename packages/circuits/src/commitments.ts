import { TenderError } from '@tender/core';
import { inputSize, type QuantizedModel } from './model.ts';
import { packValues } from './packing.ts';
import { poseidonChain } from './poseidon.ts';

/**
 * Checks that `pixels` is a valid input of `model`: the right length, every
 * element an integer in [0, 2^bits - 1]. Throws `TENDER_INPUT_INVALID`.
 */
export function checkInput(model: QuantizedModel, pixels: readonly number[]): void {
  const n = inputSize(model);
  if (pixels.length !== n) {
    throw new TenderError(
      'TENDER_INPUT_INVALID',
      `model ${model.name} takes ${n} inputs, got ${pixels.length}`,
    );
  }
  const max = 2 ** model.input.bits - 1;
  pixels.forEach((p, i) => {
    if (!Number.isInteger(p) || p < 0 || p > max) {
      throw new TenderError('TENDER_INPUT_INVALID', `input ${i} is ${p}, not an integer in [0, ${max}]`, {
        details: { index: i, max },
      });
    }
  });
}

/**
 * The field elements the input commitment hashes: the inputs packed
 * little-endian, `floor(253 / bits)` per element (see `packLayout`).
 */
export function packInput(model: QuantizedModel, pixels: readonly number[]): bigint[] {
  checkInput(model, pixels);
  return packValues(
    pixels.map((p) => BigInt(p)),
    pixels.map(() => model.input.bits),
  );
}

/**
 * The input commitment the circuit outputs: `poseidonChain(packInput(pixels), salt)`.
 *
 * @example
 * const c = await inputCommitment(model, pixels); // bigint, a public signal of the proof
 */
export function inputCommitment(
  model: QuantizedModel,
  pixels: readonly number[],
  salt = 0n,
): Promise<bigint> {
  return poseidonChain(packInput(model, pixels), salt);
}

/**
 * Every weight and bias of the model in commitment order (per layer: weights
 * row by row, a conv layer's as `[oc][ic][ky][kx]`, then biases), each offset by 2^(bits-1) to an unsigned value of
 * its declared width.
 */
export function modelParameters(model: QuantizedModel): { values: bigint[]; widths: number[] } {
  const values: bigint[] = [];
  const widths: number[] = [];
  for (const layer of model.layers) {
    const wOff = 2n ** BigInt(layer.weightBits - 1);
    const bOff = 2n ** BigInt(layer.biasBits - 1);
    const rows: number[][] = layer.type === 'conv' ? layer.weights.map((f) => f.flat(2)) : layer.weights;
    for (const row of rows) {
      for (const w of row) {
        values.push(BigInt(w) + wOff);
        widths.push(layer.weightBits);
      }
    }
    for (const b of layer.bias) {
      values.push(BigInt(b) + bOff);
      widths.push(layer.biasBits);
    }
  }
  return { values, widths };
}

/**
 * Poseidon commitment of the quantized weights and biases: the packed
 * {@link modelParameters} hashed with `poseidonChain` (salt 0). A
 * private-model circuit outputs it; for a public-model circuit it identifies
 * the model on its model card.
 */
export function modelCommitment(model: QuantizedModel): Promise<bigint> {
  const { values, widths } = modelParameters(model);
  return poseidonChain(packValues(values, widths));
}
