import { TenderError } from '@tender/core';
import type { CircuitInput } from '@tender/zk';
import { checkInput } from './commitments.ts';
import type { QuantizedModel } from './model.ts';
import type { ModelMode } from './rangeAnalysis.ts';

/** Options of {@link modelInput}. */
export interface ModelInputOptions {
  /** `private` adds the weights and biases as inputs (default `public`). */
  mode?: ModelMode;
  /** Salt of the input commitment (default 0). */
  salt?: bigint;
  /**
   * Bit width of the pixels given (default: the model's). Wider pixels are
   * reduced to the model's width by keeping their top bits, e.g. 8-bit
   * pixels for a 4-bit model become `p >> 4`.
   */
  pixelBits?: number;
}

/**
 * Reduces pixels of `pixelBits` bits to the model's input width by keeping
 * their top bits, then checks them (`TENDER_INPUT_INVALID`).
 */
export function modelPixels(
  model: QuantizedModel,
  pixels: ArrayLike<number>,
  pixelBits = model.input.bits,
): number[] {
  if (pixelBits < model.input.bits) {
    throw new TenderError(
      'TENDER_INPUT_INVALID',
      `pixels have ${pixelBits} bits, the model needs ${model.input.bits}`,
    );
  }
  const shift = pixelBits - model.input.bits;
  const out = Array.from(pixels, (p) =>
    Number.isInteger(p) && p >= 0 && p < 2 ** pixelBits ? p >> shift : p,
  );
  checkInput(model, out);
  return out;
}

/**
 * The input object of a model's circuit for raw pixels (row-major, as many
 * as the model's input shape holds): `{ pixels, salt }`, and in `private`
 * mode also `w<l>` / `b<l>` for every layer. Feed it to `Prover.prove` or
 * `calculateWitness`.
 *
 * @example
 * const input = modelInput(mnist, digit.pixels); // 784 pixels, 0..255
 * const { proof, publicSignals } = await prover.prove(circuit, input);
 */
export function modelInput(
  model: QuantizedModel,
  pixels: ArrayLike<number>,
  opts: ModelInputOptions = {},
): CircuitInput {
  const input: Record<string, CircuitInput[string]> = {
    pixels: modelPixels(model, pixels, opts.pixelBits),
    salt: (opts.salt ?? 0n).toString(),
  };
  if ((opts.mode ?? 'public') === 'private') {
    model.layers.forEach((layer, li) => {
      input[`w${li}`] = layer.weights;
      input[`b${li}`] = layer.bias;
    });
  }
  return input;
}

/** The public signals of a model circuit, decoded. */
export interface ModelOutputs {
  inputCommitment: bigint;
  prediction: number;
  /** Only for `private` mode circuits. */
  modelCommitment?: bigint;
}

/**
 * Decodes a model circuit's public signals (snarkjs order: `inputCommitment`,
 * `prediction`, then `modelCommitment` in `private` mode). Throws
 * `TENDER_INPUT_INVALID` when the count does not match the mode.
 */
export function decodePublicSignals(
  mode: ModelMode,
  publicSignals: readonly (string | bigint)[],
): ModelOutputs {
  const expected = mode === 'private' ? 3 : 2;
  if (publicSignals.length !== expected) {
    throw new TenderError('TENDER_INPUT_INVALID', `a ${mode}-model circuit has ${expected} public signals`, {
      details: { got: publicSignals.length },
    });
  }
  const [c, p, m] = publicSignals.map((s) => BigInt(s));
  const out: ModelOutputs = { inputCommitment: c!, prediction: Number(p!) };
  if (m !== undefined) out.modelCommitment = m;
  return out;
}
