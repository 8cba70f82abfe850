import { TenderError } from '@tender/core';
import { evalLayer, linearRows, poolWindows } from '../layers.ts';
import {
  type ConvLayer,
  checkModel,
  type DenseLayer,
  MODEL_FORMAT,
  type ModelLayer,
  type QuantizedModel,
} from '../model.ts';
import { bitLength } from '../rangeAnalysis.ts';
import { type FloatNetwork, floatConvShapes, floatLayerOutputs } from './floatNetwork.ts';

/** Integer inputs the quantization is calibrated on, and how they map to the float model's reals. */
export interface Calibration {
  /** Inputs, each flattened row-major to the network's input size, integers in [0, 2^bits - 1]. */
  inputs: readonly ArrayLike<number>[];
  /** Bit width of every input element. */
  bits: number;
  /** The real value of one input unit: the float model sees `p · scale` (e.g. 1/255). */
  scale: number;
}

/** Quantization choices (defaults in brackets). */
export interface QuantizationOptions {
  /** Signed weight width per layer, or one for all [8]. */
  weightBits?: number | readonly number[];
  /** Hidden activations are shifted to at most this many bits on the calibration set [8]. */
  activationBits?: number;
  /** One weight scale per output channel / neuron in hidden layers (the logits layer always has one scale) [true]. */
  perChannel?: boolean;
}

/** What the calibration decided per layer. */
export interface LayerCalibration {
  weightBits: number;
  biasBits: number;
  shift: number;
  /** Largest pre-activation the calibration set produced. */
  maxPreActivation: number;
}

function fail(field: string, message: string, details: Record<string, unknown> = {}): TenderError {
  return new TenderError('TENDER_INPUT_INVALID', `calibration ${field}: ${message}`, {
    details: { field, ...details },
  });
}

/** Checks that a calibration set fits a network's input; throws `TENDER_INPUT_INVALID` naming the field. */
export function checkCalibration(network: FloatNetwork, calibration: Calibration): void {
  const n = network.inputShape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(calibration.bits) || calibration.bits < 1 || calibration.bits > 16) {
    throw fail('bits', `${calibration.bits} is not an integer in [1, 16]`);
  }
  if (!(calibration.scale > 0 && Number.isFinite(calibration.scale)))
    throw fail('scale', 'must be a positive number');
  if (calibration.inputs.length === 0) throw fail('inputs', 'needs at least one input');
  const max = 2 ** calibration.bits - 1;
  calibration.inputs.forEach((x, k) => {
    if (x.length !== n) {
      throw fail(
        `inputs.${k}`,
        `has ${x.length} values, the model input [${network.inputShape}] takes ${n}`,
        { index: k },
      );
    }
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      if (!Number.isInteger(v) || v < 0 || v > max) {
        throw fail(`inputs.${k}.${i}`, `${v} is not an integer in [0, ${max}]`, { index: k, element: i });
      }
    }
  });
}

const signedBits = (values: readonly number[]) => {
  const max = values.reduce((a, v) => Math.max(a, v < 0 ? -v - 1 : v), 0);
  return max === 0 ? 1 : max.toString(2).length + 1;
};

/**
 * Post-training quantization of an imported float network to Tender's
 * integer model, calibrated on `calibration`. Symmetric weight scales (per
 * output channel in hidden layers, one for the logits layer so the argmax
 * is kept), biases in the accumulator's unit, and each hidden layer's shift
 * chosen so the calibration set's largest activation fits
 * `activationBits`. Average pooling becomes sum pooling with its 1/area
 * folded into the next layer's scale. The range analysis then sizes every
 * check from the quantized weights (worst case over all inputs, not just the
 * calibration set). Throws `TENDER_INPUT_INVALID` for a calibration set that
 * does not fit the input.
 */
export function quantizeNetwork(
  network: FloatNetwork,
  calibration: Calibration,
  opts: QuantizationOptions & { name: string; description?: string },
): { model: QuantizedModel; layers: LayerCalibration[] } {
  checkCalibration(network, calibration);
  const activationBits = opts.activationBits ?? 8;
  const n = network.inputShape.reduce((a, b) => a * b, 1);
  // the real value of one integer unit of each element of the running activation
  let units = new Float64Array(n).fill(calibration.scale);
  let xs: number[][] = calibration.inputs.map((x) => Array.from(x));
  const layers: ModelLayer[] = [];
  const report: LayerCalibration[] = [];
  const lastIndex = network.layers.length - 1;
  network.layers.forEach((fl, li) => {
    const last = li === lastIndex;
    const weightBits = typeof opts.weightBits === 'number' ? opts.weightBits : (opts.weightBits?.[li] ?? 8);
    const outs = fl.type === 'dense' ? fl.outputs : fl.outChannels;
    const per = fl.weights.length / outs;
    // fold the input units into the weights: z_real = Σ (W·u) · x_int + b
    const inUnit = (k: number) => {
      if (fl.type === 'dense') return units[k % fl.inputs]!;
      const [, h, w] = fl.inputShape;
      const ic = Math.floor(k / (fl.kernel[0] * fl.kernel[1]));
      return units[ic * h * w]!;
    };
    const folded = Float64Array.from(fl.weights, (w, j) => w * inUnit(j % per));
    const maxAbs = (o: number) => {
      let m = 0;
      for (let k = 0; k < per; k++) m = Math.max(m, Math.abs(folded[o * per + k]!));
      return m;
    };
    const layerMax = Math.max(...Array.from({ length: outs }, (_, o) => maxAbs(o))) || 1;
    const top = 2 ** (weightBits - 1) - 1;
    const scales = Array.from(
      { length: outs },
      (_, o) => top / (opts.perChannel === false || last ? layerMax : maxAbs(o) || 1),
    );
    const qw = Array.from(folded, (w, j) => Math.round(w * scales[Math.floor(j / per)]!) || 0);
    const qb = Array.from(fl.bias, (b, o) => Math.round(b * scales[o]!) || 0);
    const biasBits = signedBits(qb);
    let layer: ModelLayer;
    if (fl.type === 'dense') {
      layer = {
        type: 'dense',
        inputs: fl.inputs,
        outputs: fl.outputs,
        weightBits,
        biasBits,
        weights: Array.from({ length: fl.outputs }, (_, o) => qw.slice(o * fl.inputs, (o + 1) * fl.inputs)),
        bias: qb,
        activation: last ? 'none' : 'relu',
        shift: 0,
      } satisfies DenseLayer;
    } else {
      const [c] = fl.inputShape;
      const [kh, kw] = fl.kernel;
      const conv: ConvLayer = {
        type: 'conv',
        inputShape: fl.inputShape,
        inputs: fl.inputShape[0] * fl.inputShape[1] * fl.inputShape[2],
        outChannels: fl.outChannels,
        kernel: fl.kernel,
        stride: fl.stride,
        padding: fl.padding,
        weightBits,
        biasBits,
        weights: Array.from({ length: fl.outChannels }, (_, o) =>
          Array.from({ length: c }, (_, i) =>
            Array.from({ length: kh }, (_, y) =>
              qw.slice(o * per + (i * kh + y) * kw, o * per + (i * kh + y + 1) * kw),
            ),
          ),
        ),
        bias: qb,
        activation: last ? 'none' : 'relu',
        shift: 0,
        outputs: floatLayerOutputs(fl),
      };
      if (fl.pool)
        conv.pool = {
          type: fl.pool.type === 'max' ? 'max' : 'sum',
          kernel: fl.pool.kernel,
          stride: fl.pool.stride,
        };
      layer = conv;
    }
    // calibrate the shift on the pre-activations of the calibration set
    const rows = linearRows(layer);
    let maxZ = 0;
    for (const x of xs) {
      const { z } = evalLayer({ ...layer, activation: 'none' } as ModelLayer, rows, undefined, x);
      for (const v of z) if (v > maxZ) maxZ = v;
    }
    if (!last) layer.shift = Math.max(0, bitLength(BigInt(maxZ)) - activationBits);
    const windows = poolWindows(layer);
    xs = xs.map((x) => evalLayer(layer, rows, windows, x).y);
    report.push({ weightBits, biasBits, shift: layer.shift, maxPreActivation: maxZ });
    layers.push(layer);
    // units of this layer's outputs
    const channelUnit = scales.map((s) => 2 ** layer.shift / s);
    if (fl.type === 'dense') units = Float64Array.from(channelUnit);
    else {
      const [oc, ph, pw] = floatConvShapes(fl).pooled;
      const area = fl.pool?.type === 'average' ? fl.pool.kernel[0] * fl.pool.kernel[1] : 1;
      units = Float64Array.from(
        { length: oc * ph * pw },
        (_, k) => channelUnit[Math.floor(k / (ph * pw))]! / area,
      );
    }
    const uniform = units.every((u) => u === units[0]);
    if (uniform) layer.outputScale = units[0]!;
  });
  const model: QuantizedModel = {
    format: MODEL_FORMAT,
    name: opts.name,
    input: { shape: [...network.inputShape], bits: calibration.bits, scale: calibration.scale },
    layers,
    output: 'argmax',
  };
  if (opts.description !== undefined) model.description = opts.description;
  checkModel(model);
  return { model, layers: report };
}
