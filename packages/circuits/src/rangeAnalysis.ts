import { TenderError } from '@tender/core';
import { type LinearRow, linearRows, poolWindows } from './layers.ts';
import { inputSize, type ModelLayer, type QuantizedModel, signedRange } from './model.ts';

/**
 * How the circuit treats the weights: `public` bakes them in as constants
 * (the verification key binds the model, dense layers are free), `private`
 * takes them as private inputs and outputs a Poseidon commitment of them.
 */
export type ModelMode = 'public' | 'private';

/** An inclusive integer interval. */
export interface Interval {
  lo: bigint;
  hi: bigint;
}

/**
 * The gadget a hidden neuron needs, decided from its pre-activation range `z`
 * and the layer's shift `s`:
 * - `constant`: the output takes one value for every input (e.g. always 0
 *   because z < 2^s whenever z ≥ 0); emitted as that constant, no constraints;
 * - `identity`: z ≥ 0 always and s = 0, the output is z itself; no constraints;
 * - `rescale`: z ≥ 0 always, s > 0: z is decomposed into `bits` bits and the
 *   output is the top bits; `bits` constraints;
 * - `relu`: z may have either sign: z + 2^(bits-1) is decomposed into `bits`
 *   bits, the top bit is the sign, the output is sign · (bits s..bits-2);
 *   `bits + 1` constraints.
 */
export type NeuronGadget = 'constant' | 'identity' | 'rescale' | 'relu';

/** Range facts of one hidden neuron. */
export interface NeuronRange {
  z: Interval;
  y: Interval;
  gadget: NeuronGadget;
  /** Width of the bit decomposition (0 for `constant` and `identity`). */
  bits: number;
}

/** Range facts of the logits and the argmax gadget. */
export interface ArgmaxRange {
  logits: Interval[];
  /** For each class k, the bit width that bounds `L[c] - L[k] - [k < c]` when c is the argmax. */
  diffBits: number[];
}

/**
 * One step of a max-pool window, folding the next value `b` into the running
 * maximum `a`: `a` or `b` when the ranges already decide it (no constraints),
 * else `compare`: a boolean `s`, `m = b + s·(a - b)` and `2m - a - b = |a - b|`
 * range-checked to `bits` bits (`bits + 2` constraints).
 */
export interface MaxStep {
  pick: 'a' | 'b' | 'compare';
  bits: number;
  /** Range of the running maximum after this step. */
  out: Interval;
}

/**
 * Everything the code generator needs to size its range checks. For a conv
 * layer with max pooling, the circuit pools the pre-activations first (max
 * commutes with the monotone ReLU and shift), so `hidden` has one neuron per
 * pooled output and `pools` the comparison steps of each window.
 */
export interface ModelRanges {
  mode: ModelMode;
  input: Interval;
  /** Hidden layers only (every layer but the last). */
  hidden: NeuronRange[][];
  /** Per hidden layer: for max pooling, each window's steps; otherwise undefined. */
  pools: (MaxStep[][] | undefined)[];
  argmax: ArgmaxRange;
  /** Largest absolute value any intermediate takes. */
  maxAbs: bigint;
}

/**
 * Intermediates are kept below 2^52 so that the TypeScript reference can use
 * exact double arithmetic and the field (≈2^254) never wraps.
 */
export const MAX_INTERMEDIATE_BITS = 52;

/** Number of bits needed to write the non-negative integer `x` (0 for 0). */
export function bitLength(x: bigint): number {
  if (x < 0n) throw new RangeError('bitLength of a negative number');
  return x === 0n ? 0 : x.toString(2).length;
}

function mulInterval(w: Interval, x: Interval): Interval {
  const c = [w.lo * x.lo, w.lo * x.hi, w.hi * x.lo, w.hi * x.hi];
  let lo = c[0]!;
  let hi = c[0]!;
  for (const v of c) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi };
}

function preActivation(
  layer: ModelLayer,
  rows: readonly LinearRow[],
  mode: ModelMode,
  xs: Interval[],
): Interval[] {
  const wr = signedRange(layer.weightBits);
  const br = signedRange(layer.biasBits);
  const wAny: Interval = { lo: BigInt(wr.min), hi: BigInt(wr.max) };
  return rows.map((row) => {
    const b = mode === 'public' ? BigInt(row.bias) : null;
    let lo = b ?? BigInt(br.min);
    let hi = b ?? BigInt(br.max);
    row.inputs.forEach((i, k) => {
      const x = xs[i]!;
      const w = row.weights[k]!;
      const p = mode === 'public' ? mulInterval({ lo: BigInt(w), hi: BigInt(w) }, x) : mulInterval(wAny, x);
      lo += p.lo;
      hi += p.hi;
    });
    return { lo, hi };
  });
}

/** The larger of two bigints (`Math.max` takes numbers only). */
function maxBig(x: bigint, y: bigint): bigint {
  return [x, y].sort((p, q) => (p < q ? 1 : p > q ? -1 : 0))[0]!;
}

/** The steps of one max-pool window over pre-activation ranges (see {@link MaxStep}). */
function maxSteps(values: readonly Interval[]): MaxStep[] {
  let a = values[0]!;
  const steps: MaxStep[] = [];
  for (const b of values.slice(1)) {
    const out = { lo: maxBig(a.lo, b.lo), hi: maxBig(a.hi, b.hi) };
    if (a.lo >= b.hi) steps.push({ pick: 'a', bits: 0, out });
    else if (b.lo >= a.hi) steps.push({ pick: 'b', bits: 0, out });
    else {
      const d = maxBig(a.hi - b.lo, b.hi - a.lo);
      steps.push({ pick: 'compare', bits: bitLength(d), out });
    }
    a = out;
  }
  return steps;
}

function hiddenNeuron(z: Interval, shift: number): NeuronRange {
  const s = BigInt(shift);
  const y = { lo: z.lo > 0n ? z.lo >> s : 0n, hi: z.hi > 0n ? z.hi >> s : 0n };
  if (y.lo === y.hi) return { z, y, gadget: 'constant', bits: 0 };
  if (z.lo >= 0n) {
    if (shift === 0) return { z, y, gadget: 'identity', bits: 0 };
    return { z, y, gadget: 'rescale', bits: bitLength(z.hi) };
  }
  const k = Math.max(bitLength(z.hi), bitLength(-z.lo - 1n));
  return { z, y, gadget: 'relu', bits: k + 1 };
}

/**
 * Interval analysis of a quantized model: the worst-case range of every
 * pre-activation, activation and logit over all valid inputs (and, in
 * `private` mode, over all weights and biases of the declared bit widths).
 * These ranges size every range check of the circuit, so no check is wider
 * than the quantization allows. Throws `TENDER_MODEL_UNSUPPORTED` when an
 * intermediate could reach 2^52.
 */
export function analyzeRanges(model: QuantizedModel, mode: ModelMode): ModelRanges {
  if (mode === 'private' && model.layers.some((l) => l.type !== 'dense')) {
    throw new TenderError(
      'TENDER_MODEL_UNSUPPORTED',
      `model ${model.name}: private weights need dense layers only`,
      {
        details: { model: model.name, mode },
      },
    );
  }
  const input: Interval = { lo: 0n, hi: (1n << BigInt(model.input.bits)) - 1n };
  let xs: Interval[] = Array.from({ length: inputSize(model) }, () => input);
  let maxAbs = input.hi;
  const track = (iv: Interval) => {
    for (const v of [iv.lo, iv.hi]) {
      const a = v < 0n ? -v : v;
      if (a > maxAbs) maxAbs = a;
    }
  };
  const hidden: NeuronRange[][] = [];
  const pools: (MaxStep[][] | undefined)[] = [];
  let logits: Interval[] = [];
  model.layers.forEach((layer, li) => {
    const zs = preActivation(layer, linearRows(layer), mode, xs);
    zs.forEach(track);
    if (li === model.layers.length - 1) {
      logits = zs;
      return;
    }
    const windows = poolWindows(layer);
    const pool = layer.type === 'conv' ? layer.pool : undefined;
    if (windows && pool?.type === 'max') {
      const steps = windows.map((win) => maxSteps(win.map((i) => zs[i]!)));
      const pooled = steps.map((st, k) => st.at(-1)?.out ?? zs[windows[k]![0]!]!);
      const neurons = pooled.map((z) => hiddenNeuron(z, layer.shift));
      hidden.push(neurons);
      pools.push(steps);
      xs = neurons.map((n) => n.y);
      return;
    }
    const neurons = zs.map((z) => hiddenNeuron(z, layer.shift));
    hidden.push(neurons);
    pools.push(undefined);
    xs = windows
      ? windows.map((win) =>
          win.reduce((a, i) => ({ lo: a.lo + neurons[i]!.y.lo, hi: a.hi + neurons[i]!.y.hi }), {
            lo: 0n,
            hi: 0n,
          }),
        )
      : neurons.map((n) => n.y);
    xs.forEach(track);
  });
  if (bitLength(maxAbs) > MAX_INTERMEDIATE_BITS) {
    throw new TenderError(
      'TENDER_MODEL_UNSUPPORTED',
      `model ${model.name}: intermediates reach ${bitLength(maxAbs)} bits, more than ${MAX_INTERMEDIATE_BITS}`,
      { details: { model: model.name, mode } },
    );
  }
  let maxHi = logits[0]!.hi;
  for (const l of logits) if (l.hi > maxHi) maxHi = l.hi;
  const diffBits = logits.map((l) => bitLength(maxHi - l.lo));
  return { mode, input, hidden, pools, argmax: { logits, diffBits }, maxAbs };
}
