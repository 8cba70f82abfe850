import { type ConvLayer, convOutputShape, convPooledShape, type ModelLayer } from './model.ts';

/**
 * One output of a linear layer before its activation: `bias + Σ weights[k] ·
 * x[inputs[k]]`. A dense layer gives one row per neuron over all its inputs; a
 * conv layer one row per output position over the kernel taps that fall inside
 * the input (padding contributes zeros, so it has no terms).
 */
export interface LinearRow {
  inputs: number[];
  weights: number[];
  bias: number;
}

/** The pre-activation rows of a layer (conv: `[channel][row][column]` before pooling). */
export function linearRows(layer: ModelLayer): LinearRow[] {
  if (layer.type === 'dense') {
    const all = Array.from({ length: layer.inputs }, (_, i) => i);
    return layer.weights.map((row, o) => ({ inputs: all, weights: row, bias: layer.bias[o]! }));
  }
  return convRows(layer);
}

function convRows(layer: ConvLayer): LinearRow[] {
  const [c, h, w] = layer.inputShape;
  const [oc, oh, ow] = convOutputShape(layer);
  const [kh, kw] = layer.kernel;
  const [sh, sw] = layer.stride;
  const [top, left] = layer.padding;
  const rows: LinearRow[] = [];
  for (let o = 0; o < oc; o++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const inputs: number[] = [];
        const weights: number[] = [];
        for (let i = 0; i < c; i++) {
          for (let ky = 0; ky < kh; ky++) {
            const iy = y * sh + ky - top;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = x * sw + kx - left;
              if (ix < 0 || ix >= w) continue;
              inputs.push((i * h + iy) * w + ix);
              weights.push(layer.weights[o]![i]![ky]![kx]!);
            }
          }
        }
        rows.push({ inputs, weights, bias: layer.bias[o]! });
      }
    }
  }
  return rows;
}

/**
 * The pooling windows of a conv layer with `pool`: for each output (after
 * pooling, `[channel][row][column]`) the indices of the pre-pool values it
 * covers, in row-major window order. Undefined for a layer without pooling.
 */
export function poolWindows(layer: ModelLayer): number[][] | undefined {
  if (layer.type !== 'conv' || !layer.pool) return undefined;
  const [c, h, w] = convOutputShape(layer);
  const [, ph, pw] = convPooledShape(layer);
  const [kh, kw] = layer.pool.kernel;
  const [sh, sw] = layer.pool.stride;
  const windows: number[][] = [];
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) {
        const win: number[] = [];
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) win.push((ch * h + y * sh + ky) * w + x * sw + kx);
        windows.push(win);
      }
    }
  }
  return windows;
}

/**
 * Exact integer evaluation of one layer: the rows, then for a hidden layer
 * `floor(max(z, 0) / 2^shift)` and the pooling (max or sum of each window).
 * Returns the pre-activation `z` and the layer's output `y` (`y = z` for the
 * linear last layer). Doubles are exact here because `analyzeRanges` keeps
 * every intermediate below 2^52.
 */
export function evalLayer(
  layer: ModelLayer,
  rows: readonly LinearRow[],
  windows: readonly number[][] | undefined,
  x: readonly number[],
): { z: number[]; y: number[] } {
  const z = rows.map((r) => {
    let acc = r.bias;
    for (let k = 0; k < r.inputs.length; k++) acc += r.weights[k]! * x[r.inputs[k]!]!;
    return acc;
  });
  if (layer.activation === 'none') return { z, y: z };
  const div = 2 ** layer.shift;
  const act = z.map((v) => (v > 0 ? Math.floor(v / div) : 0));
  if (!windows || layer.type !== 'conv' || !layer.pool) return { z, y: act };
  const max = layer.pool.type === 'max';
  const y = windows.map((win) =>
    win.reduce((a, i) => (max ? Math.max(a, act[i]!) : a + act[i]!), max ? Number.NEGATIVE_INFINITY : 0),
  );
  return { z, y };
}
