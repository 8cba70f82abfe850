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

/** Pooling applied after a conv layer's activation (see {@link ConvLayer}). */
export interface PoolSpec {
  /**
   * `max`: the largest value of each window; `sum`: the window's sum, which is
   * average pooling with its 1/area folded into the next layer's scale (linear,
   * exact in integers).
   */
  type: 'max' | 'sum';
  kernel: [number, number];
  stride: [number, number];
}

/**
 * A 2-D convolution layer (one group, no dilation) in exact integer arithmetic
 * over an input of shape `[channels, height, width]` (row-major, as ONNX's
 * NCHW without the batch): `z[oc][y][x] = bias[oc] + Σ weights[oc][ic][ky][kx]
 * · in[ic][y·sy + ky - top][x·sx + kx - left]` with zero padding, then the
 * activation and shift of a dense layer, then the optional pooling (no padding,
 * windows that do not fit are dropped). `outputs` counts the values after
 * pooling, flattened `[channel][row][column]`.
 */
export interface ConvLayer {
  type: 'conv';
  inputShape: [number, number, number];
  /** Product of `inputShape`. */
  inputs: number;
  outChannels: number;
  kernel: [number, number];
  stride: [number, number];
  /** Zero padding `[top, left, bottom, right]`. */
  padding: [number, number, number, number];
  weightBits: number;
  biasBits: number;
  /** `weights[oc][ic][ky][kx]`. */
  weights: number[][][][];
  /** One bias per output channel. */
  bias: number[];
  activation: 'relu' | 'none';
  shift: number;
  pool?: PoolSpec;
  /** Values this layer outputs (after pooling). */
  outputs: number;
  outputScale?: number;
}

/** One layer of a quantized model. */
export type ModelLayer = DenseLayer | ConvLayer;

/** A quantized classifier: integer inputs of a fixed bit width, dense and conv layers, argmax. */
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
  layers: ModelLayer[];
  output: 'argmax';
}

const int = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');

const pair = z.tuple([z.number().int().positive(), z.number().int().positive()]);

const convSchema = z.object({
  type: z.literal('conv'),
  inputShape: z.tuple([
    z.number().int().positive(),
    z.number().int().positive(),
    z.number().int().positive(),
  ]),
  inputs: z.number().int().positive(),
  outChannels: z.number().int().positive(),
  kernel: pair,
  stride: pair,
  padding: z.tuple([
    z.number().int().min(0),
    z.number().int().min(0),
    z.number().int().min(0),
    z.number().int().min(0),
  ]),
  weightBits: z.number().int().min(1).max(MAX_PARAM_BITS),
  biasBits: z.number().int().min(1).max(MAX_PARAM_BITS),
  weights: z.array(z.array(z.array(z.array(int)))),
  bias: z.array(int),
  activation: z.enum(['relu', 'none']),
  shift: z.number().int().min(0).max(64),
  pool: z.object({ type: z.enum(['max', 'sum']), kernel: pair, stride: pair }).optional(),
  outputs: z.number().int().positive(),
  outputScale: z.number().positive().optional(),
});

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
  layers: z.array(z.union([layerSchema, convSchema])).min(1),
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
    layers: data.layers.map((l): ModelLayer => {
      if (l.type === 'conv') {
        const { pool, outputScale, ...rest } = l;
        const conv: ConvLayer = { ...rest };
        if (pool !== undefined) conv.pool = pool;
        if (outputScale !== undefined) conv.outputScale = outputScale;
        return conv;
      }
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

/** Output side of a window sweep: `floor((size + padding - kernel) / stride) + 1` (0 when it does not fit). */
function sweep(size: number, padding: number, kernel: number, stride: number): number {
  const span = size + padding - kernel;
  return span < 0 ? 0 : Math.floor(span / stride) + 1;
}

/** Shape `[channels, height, width]` of a conv layer's output before pooling. */
export function convOutputShape(layer: ConvLayer): [number, number, number] {
  const [, h, w] = layer.inputShape;
  const [top, left, bottom, right] = layer.padding;
  return [
    layer.outChannels,
    sweep(h, top + bottom, layer.kernel[0], layer.stride[0]),
    sweep(w, left + right, layer.kernel[1], layer.stride[1]),
  ];
}

/** Shape `[channels, height, width]` of a conv layer's output after its pooling (if any). */
export function convPooledShape(layer: ConvLayer): [number, number, number] {
  const [c, h, w] = convOutputShape(layer);
  const pool = layer.pool;
  if (!pool) return [c, h, w];
  return [c, sweep(h, 0, pool.kernel[0], pool.stride[0]), sweep(w, 0, pool.kernel[1], pool.stride[1])];
}

/** The input shape as `[channels, height, width]` (`[h, w]` means one channel), or undefined for other ranks. */
export function imageShape(shape: readonly number[]): [number, number, number] | undefined {
  if (shape.length === 3) return [shape[0]!, shape[1]!, shape[2]!];
  if (shape.length === 2) return [1, shape[0]!, shape[1]!];
  return undefined;
}

function checkConv(layer: ConvLayer, at: string, inShape: [number, number, number] | undefined): void {
  const [c, h, w] = layer.inputShape;
  if (!inShape || inShape[0] !== c || inShape[1] !== h || inShape[2] !== w) {
    throw invalid(`${at}: takes an input of shape [${layer.inputShape}], previous gives [${inShape ?? '?'}]`);
  }
  if (layer.inputs !== c * h * w) throw invalid(`${at}: inputs must be ${c * h * w}`);
  const [oc, oh, ow] = convPooledShape(layer);
  const [, ch, cw] = convOutputShape(layer);
  if (ch === 0 || cw === 0 || oh === 0 || ow === 0)
    throw invalid(`${at}: the kernel or pool does not fit the input`);
  if (layer.outputs !== oc * oh * ow) throw invalid(`${at}: outputs must be ${oc * oh * ow}`);
  const [kh, kw] = layer.kernel;
  const wr = signedRange(layer.weightBits);
  if (layer.weights.length !== oc) throw invalid(`${at}.weights: needs ${oc} output channels`);
  layer.weights.forEach((filter, o) => {
    if (filter.length !== c || filter.some((k) => k.length !== kh || k.some((r) => r.length !== kw))) {
      throw invalid(`${at}.weights.${o}: needs shape [${c}, ${kh}, ${kw}]`);
    }
    for (const v of filter.flat(2)) {
      if (v < wr.min || v > wr.max)
        throw invalid(`${at}.weights.${o}: ${v} does not fit ${layer.weightBits} bits`);
    }
  });
  if (layer.bias.length !== oc) throw invalid(`${at}: needs ${oc} biases`);
  if (layer.pool && layer.activation !== 'relu')
    throw invalid(`${at}: pooling follows a hidden (relu) layer only`);
}

/**
 * Checks the structural rules of {@link parseModel} on an already typed
 * model (e.g. one built in code). Throws `TENDER_MODEL_INVALID`.
 */
export function checkModel(model: QuantizedModel): void {
  let width = inputSize(model);
  let shape = imageShape(model.input.shape);
  model.layers.forEach((layer, li) => {
    const at = `layers.${li}`;
    const last = li === model.layers.length - 1;
    if (layer.inputs !== width) throw invalid(`${at}: takes ${layer.inputs} inputs, previous gives ${width}`);
    const b = signedRange(layer.biasBits);
    if (layer.type === 'conv') {
      checkConv(layer, at, shape);
      shape = convPooledShape(layer);
    } else {
      if (layer.weights.length !== layer.outputs || layer.bias.length !== layer.outputs) {
        throw invalid(`${at}: needs ${layer.outputs} weight rows and biases`);
      }
      const w = signedRange(layer.weightBits);
      layer.weights.forEach((row, o) => {
        if (row.length !== layer.inputs) throw invalid(`${at}.weights.${o}: needs ${layer.inputs} weights`);
        for (const v of row) {
          if (v < w.min || v > w.max)
            throw invalid(`${at}.weights.${o}: ${v} does not fit ${layer.weightBits} bits`);
        }
      });
      shape = undefined;
    }
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
