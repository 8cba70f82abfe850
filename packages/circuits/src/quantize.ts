import type { FloatMlp } from './floatMlp.ts';
import { checkModel, type DenseLayer, MODEL_FORMAT, type QuantizedModel } from './model.ts';

/** Quantization choices for one layer. */
export interface LayerQuantization {
  /** Signed width of the integer weights; the largest |weight| maps to 2^(weightBits-1) - 1. */
  weightBits: number;
  /** Right shift after ReLU (hidden layers; the last layer uses 0). */
  shift: number;
}

/** What {@link quantizeMlp} needs besides the float model. */
export interface QuantizeOptions {
  name: string;
  description?: string;
  inputShape: number[];
  /** Input width; the float model sees `p / (2^inputBits - 1)`. */
  inputBits: number;
  layers: LayerQuantization[];
}

function signedBits(values: readonly number[]): number {
  const max = values.reduce((a, v) => Math.max(a, v < 0 ? -v - 1 : v), 0);
  return max === 0 ? 1 : max.toString(2).length + 1;
}

/**
 * Post-training quantization of a float MLP to Tender's integer model:
 * symmetric per-layer weight scale `S = (2^(b-1) - 1) / max|W|`; with `u` the
 * real value of one input unit, integer weights `round(W·S)`, biases
 * `round(B·S/u)`, and the layer's output unit `u·2^shift/S`. Bias widths are
 * the smallest that hold the rounded biases. The result passes `checkModel`.
 */
export function quantizeMlp(mlp: FloatMlp, opts: QuantizeOptions): QuantizedModel & { layers: DenseLayer[] } {
  if (opts.layers.length !== mlp.layers.length) throw new RangeError('one quantization per layer');
  let unit = 1 / (2 ** opts.inputBits - 1);
  const layers: DenseLayer[] = mlp.layers.map((layer, li) => {
    const q = opts.layers[li]!;
    const last = li === mlp.layers.length - 1;
    const maxAbs = layer.weights.reduce((a, w) => Math.max(a, Math.abs(w)), 0) || 1;
    const scale = (2 ** (q.weightBits - 1) - 1) / maxAbs;
    const weights: number[][] = [];
    for (let o = 0; o < layer.outputs; o++) {
      const row: number[] = [];
      for (let i = 0; i < layer.inputs; i++)
        row.push(Math.round(layer.weights[o * layer.inputs + i]! * scale) || 0);
      weights.push(row);
    }
    const bias = Array.from(layer.bias, (b) => Math.round((b * scale) / unit) || 0);
    const shift = last ? 0 : q.shift;
    unit = (unit * 2 ** shift) / scale;
    return {
      type: 'dense',
      inputs: layer.inputs,
      outputs: layer.outputs,
      weightBits: q.weightBits,
      biasBits: signedBits(bias),
      weights,
      bias,
      activation: last ? 'none' : 'relu',
      shift,
      outputScale: unit,
    };
  });
  const model: QuantizedModel & { layers: DenseLayer[] } = {
    format: MODEL_FORMAT,
    name: opts.name,
    input: { shape: opts.inputShape, bits: opts.inputBits, scale: 1 / (2 ** opts.inputBits - 1) },
    layers,
    output: 'argmax',
  };
  if (opts.description !== undefined) model.description = opts.description;
  checkModel(model);
  return model;
}
