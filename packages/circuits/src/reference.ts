import { checkInput, inputCommitment, modelCommitment } from './commitments.ts';
import type { QuantizedModel } from './model.ts';

/** What the quantized model computes for one input. */
export interface Inference {
  /** Outputs of each hidden layer (after ReLU and shift). */
  activations: number[][];
  /** Outputs of the last layer. */
  logits: number[];
  /** Index of the largest logit; on a tie the lowest index wins. */
  prediction: number;
}

/** {@link Inference} plus the commitments the circuit outputs. */
export interface ReferenceResult extends Inference {
  inputCommitment: bigint;
  modelCommitment: bigint;
}

/** Index of the largest value; the lowest index wins a tie. */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k]! > values[best]!) best = k;
  return best;
}

/**
 * Exact integer inference of a quantized MLP, the semantics every circuit
 * built from the model must reproduce bit for bit: per layer
 * `z = W·x + b`; hidden layers `y = floor(max(z, 0) / 2^shift)`; the last
 * layer's `z` are the logits; the prediction is their argmax (lowest index on
 * a tie). Arithmetic is in doubles, exact because `analyzeRanges` keeps every
 * intermediate below 2^52. Throws `TENDER_INPUT_INVALID` for a bad input.
 *
 * @example
 * const { prediction, logits } = infer(model, pixels);
 */
export function infer(model: QuantizedModel, pixels: readonly number[]): Inference {
  checkInput(model, pixels);
  let x: readonly number[] = pixels;
  const activations: number[][] = [];
  let logits: number[] = [];
  model.layers.forEach((layer, li) => {
    const z = new Array<number>(layer.outputs);
    for (let o = 0; o < layer.outputs; o++) {
      const row = layer.weights[o]!;
      let acc = layer.bias[o]!;
      for (let i = 0; i < row.length; i++) acc += row[i]! * x[i]!;
      z[o] = acc;
    }
    if (li === model.layers.length - 1) {
      logits = z;
      return;
    }
    const div = 2 ** layer.shift;
    const y = z.map((v) => (v > 0 ? Math.floor(v / div) : 0));
    activations.push(y);
    x = y;
  });
  return { activations, logits, prediction: argmax(logits) };
}

/**
 * {@link infer} plus the input commitment (with `salt`, default 0) and the
 * model commitment: everything a circuit of the model outputs.
 */
export async function referenceInference(
  model: QuantizedModel,
  pixels: readonly number[],
  opts: { salt?: bigint } = {},
): Promise<ReferenceResult> {
  const result = infer(model, pixels);
  return {
    ...result,
    inputCommitment: await inputCommitment(model, pixels, opts.salt ?? 0n),
    modelCommitment: await modelCommitment(model),
  };
}
