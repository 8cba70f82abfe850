import { checkInput, inputCommitment, modelCommitment } from './commitments.ts';
import { evalLayer, linearRows, poolWindows } from './layers.ts';
import type { QuantizedModel } from './model.ts';

/** What the quantized model computes for one input. */
export interface Inference {
  /** Outputs of each hidden layer (after ReLU, shift and pooling). */
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
 * Exact integer inference of a quantized model, the semantics every circuit
 * built from the model must reproduce bit for bit: per layer
 * `z = W·x + b` (dense, or a convolution with zero padding); hidden layers
 * `y = floor(max(z, 0) / 2^shift)`, then a conv layer's max or sum pooling; the last
 * layer's `z` are the logits; the prediction is their argmax (lowest index on
 * a tie). Arithmetic is in doubles, exact because `analyzeRanges` keeps every
 * intermediate below 2^52. Throws `TENDER_INPUT_INVALID` for a bad input.
 *
 * @example
 * const { prediction, logits } = infer(model, pixels);
 */
export function infer(model: QuantizedModel, pixels: readonly number[]): Inference {
  return inferrer(model)(pixels);
}

/**
 * {@link infer} with the layers' rows prepared once: for evaluating many
 * inputs (accuracy over a data set). The model must not change afterwards.
 */
export function inferrer(model: QuantizedModel): (pixels: readonly number[]) => Inference {
  const plan = model.layers.map((layer) => ({ layer, rows: linearRows(layer), windows: poolWindows(layer) }));
  return (pixels) => {
    checkInput(model, pixels);
    let x: readonly number[] = pixels;
    const activations: number[][] = [];
    let logits: number[] = [];
    plan.forEach(({ layer, rows, windows }, li) => {
      const { y } = evalLayer(layer, rows, windows, x);
      if (li === plan.length - 1) {
        logits = y;
        return;
      }
      activations.push(y);
      x = y;
    });
    return { activations, logits, prediction: argmax(logits) };
  };
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
