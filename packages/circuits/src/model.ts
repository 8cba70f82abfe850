import { TenderError } from '@tender/core';
import { z } from 'zod';

/** The format tag every model JSON carries. */
export const MODEL_FORMAT = 'tender-mlp-v1';

/** Largest input bit width the compiler accepts (pixels are at most 8-bit in the demo). */
export const MAX_INPUT_BITS = 16;

/** Largest weight / bias bit width (two's-complement range) the compiler accepts. */
export const MAX_PARAM_BITS = 32;

/**
 * One fully connected layer of a quantized MLP, in exact integer arithmetic:
 * `z[o] = bias[o] + Σ_i weights[o][i] · x[i]`, then for `activation: 'relu'`
 * `y[o] = floor(max(z[o], 0) / 2^shift)`; for `activation: 'none'` (the last
 * layer only, `shift` 0) `y[o] = z[o]` are the logits.
 */
export interface DenseLayer {
  type: 'dense';
  inputs: number;
  outputs: number;
  /** Signed bit width of every weight: each lies in [-2^(weightBits-1), 2^(weightBits-1) - 1]. */
  weightBits: number;
  /** Signed bit width of every bias, same convention. */
  biasBits: number;
  /** Integer weights, one row per output neuron: `weights[o][i]`. */
  weights: number[][];
  /** Integer biases, one per output neuron. */
  bias: number[];
  activation: 'relu' | 'none';
  /** Right shift applied after ReLU (floor division by 2^shift); 0 for the last layer. */
  shift: number;
  /** Informational: the real value of one unit of this layer's output `y` (for dequantizing). */
  outputScale?: number;
}

/** A quantized MLP classifier: integer inputs of a fixed bit width, dense layers, argmax. */
export interface QuantizedModel {
  format: typeof MODEL_FORMAT;
  name: string;
  description?: string;
  input: {
    /** Shape of the input, e.g. `[28, 28]`; flattened row-major. */
    shape: number[];
    /** Every input element is an unsigned integer in [0, 2^bits - 1]. */
    bits: number;
    /** Informational: the real value of one input unit (e.g. 1/255 for 8-bit pixels). */
    scale?: number;
  };
  layers: DenseLayer[];
  output: 'argmax';
}

const int = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');

const layerSchema = z.object({
  type: z.literal('dense'),
  inputs: z.number().int().positive(),
  outputs: z.number().int().positive(),
  weightBits: z.number().int().min(1).max(MAX_PARAM_BITS),
  biasBits: z.number().int().min(1).max(MAX_PARAM_BITS),
  weights: z.array(z.array(int)),
  bias: z.array(int),
  activation: z.enum(['relu', 'none']),
  shift: z.number().int().min(0).max(64),
  outputScale: z.number().positive().optional(),
});

const modelSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  description: z.string().optional(),
  input: z.object({
    shape: z.array(z.number().int().positive()).min(1),
    bits: z.number().int().min(1).max(MAX_INPUT_BITS),
    scale: z.number().positive().optional(),
  }),
  layers: z.array(layerSchema).min(1),
  output: z.literal('argmax'),
});

/** The inclusive range of a signed integer of `bits` bits (two's complement). */
export function signedRange(bits: number): { min: number; max: number } {
  return { min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 };
}

/** Number of input elements of a model (product of its input shape). */
export function inputSize(model: QuantizedModel): number {
  return model.input.shape.reduce((a, b) => a * b, 1);
}

function invalid(message: string, details: Record<string, unknown> = {}): TenderError {
  return new TenderError('TENDER_MODEL_INVALID', message, { details });
}

/**
 * Validates a model description (parsed JSON) and returns it typed. Checks the
 * schema, that layer shapes chain (first layer takes the flattened input, each
 * next layer the previous one's outputs), that every weight and bias fits its
 * declared bit width, that hidden layers use ReLU and the last one is linear
 * with shift 0, and that there are at least two classes.
 * Throws `TENDER_MODEL_INVALID` naming the first problem.
 *
 * @example
 * const model = parseModel(JSON.parse(await readFile('models/tiny.json', 'utf8')));
 */
export function parseModel(json: unknown): QuantizedModel {
  const parsed = modelSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`model JSON is invalid at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`, {
      issues: parsed.error.issues.slice(0, 5),
    });
  }
  const data = parsed.data;
  const model: QuantizedModel = {
    format: MODEL_FORMAT,
    name: data.name,
    input: { shape: data.input.shape, bits: data.input.bits },
    layers: data.layers.map((l) => {
      const layer: DenseLayer = {
        type: 'dense',
        inputs: l.inputs,
        outputs: l.outputs,
        weightBits: l.weightBits,
        biasBits: l.biasBits,
        weights: l.weights,
        bias: l.bias,
        activation: l.activation,
        shift: l.shift,
      };
      if (l.outputScale !== undefined) layer.outputScale = l.outputScale;
      return layer;
    }),
    output: 'argmax',
  };
  if (data.description !== undefined) model.description = data.description;
  if (data.input.scale !== undefined) model.input.scale = data.input.scale;
  checkModel(model);
  return model;
}

/**
 * Checks the structural rules of {@link parseModel} on an already typed
 * model (e.g. one built in code). Throws `TENDER_MODEL_INVALID`.
 */
export function checkModel(model: QuantizedModel): void {
  let width = inputSize(model);
  model.layers.forEach((layer, li) => {
    const at = `layers.${li}`;
    const last = li === model.layers.length - 1;
    if (layer.inputs !== width) throw invalid(`${at}: takes ${layer.inputs} inputs, previous gives ${width}`);
    if (layer.weights.length !== layer.outputs || layer.bias.length !== layer.outputs) {
      throw invalid(`${at}: needs ${layer.outputs} weight rows and biases`);
    }
    const w = signedRange(layer.weightBits);
    const b = signedRange(layer.biasBits);
    layer.weights.forEach((row, o) => {
      if (row.length !== layer.inputs) throw invalid(`${at}.weights.${o}: needs ${layer.inputs} weights`);
      for (const v of row) {
        if (v < w.min || v > w.max)
          throw invalid(`${at}.weights.${o}: ${v} does not fit ${layer.weightBits} bits`);
      }
    });
    for (const v of layer.bias) {
      if (v < b.min || v > b.max) throw invalid(`${at}.bias: ${v} does not fit ${layer.biasBits} bits`);
    }
    if (last && (layer.activation !== 'none' || layer.shift !== 0)) {
      throw invalid(`${at}: the last layer gives the logits: activation 'none', shift 0`);
    }
    if (!last && layer.activation !== 'relu') throw invalid(`${at}: hidden layers use 'relu'`);
    width = layer.outputs;
  });
  if (width < 2) throw invalid('the model needs at least two classes');
}
