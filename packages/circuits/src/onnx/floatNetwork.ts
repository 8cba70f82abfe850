/** Pooling of a float conv layer (after its ReLU): `max`, or `average` over each window. */
export interface FloatPool {
  type: 'max' | 'average';
  kernel: [number, number];
  stride: [number, number];
}

/** A dense layer: `weights` row-major `[outputs][inputs]`. */
export interface FloatDense {
  type: 'dense';
  inputs: number;
  outputs: number;
  weights: Float64Array;
  bias: Float64Array;
  relu: boolean;
}

/** A conv layer (one group, no dilation, zero padding `[top, left, bottom, right]`); `weights` `[oc][ic][ky][kx]`. */
export interface FloatConv {
  type: 'conv';
  inputShape: [number, number, number];
  outChannels: number;
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number, number, number];
  weights: Float64Array;
  bias: Float64Array;
  relu: boolean;
  pool?: FloatPool;
}

/** One layer of an imported float network. */
export type FloatNetworkLayer = FloatDense | FloatConv;

/**
 * An imported ONNX model reduced to Tender's layer vocabulary: conv and
 * dense layers, each with an optional ReLU, a conv layer with an optional
 * pooling after it; BatchNormalization folded into the layer before it,
 * Identity / Dropout / Flatten / Reshape gone. Inputs are reals in the
 * shape of `inputShape` (without the batch dimension).
 */
export interface FloatNetwork {
  inputShape: number[];
  layers: FloatNetworkLayer[];
  /** What the ONNX graph outputs: the logits, or their argmax (an `ArgMax` node). */
  output: 'logits' | 'argmax';
}

function side(size: number, pad: number, kernel: number, stride: number): number {
  return Math.floor((size + pad - kernel) / stride) + 1;
}

/** `[channels, height, width]` after a float conv layer's convolution and its pooling. */
export function floatConvShapes(layer: FloatConv): {
  conv: [number, number, number];
  pooled: [number, number, number];
} {
  const [, h, w] = layer.inputShape;
  const [t, l, b, r] = layer.padding;
  const conv: [number, number, number] = [
    layer.outChannels,
    side(h, t + b, layer.kernel[0], layer.stride[0]),
    side(w, l + r, layer.kernel[1], layer.stride[1]),
  ];
  const p = layer.pool;
  const pooled: [number, number, number] = p
    ? [conv[0], side(conv[1], 0, p.kernel[0], p.stride[0]), side(conv[2], 0, p.kernel[1], p.stride[1])]
    : conv;
  return { conv, pooled };
}

/** Number of values a float layer outputs (after pooling). */
export function floatLayerOutputs(layer: FloatNetworkLayer): number {
  if (layer.type === 'dense') return layer.outputs;
  const [c, h, w] = floatConvShapes(layer).pooled;
  return c * h * w;
}

function convForward(layer: FloatConv, x: ArrayLike<number>): Float64Array {
  const [c, h, w] = layer.inputShape;
  const { conv, pooled } = floatConvShapes(layer);
  const [oc, oh, ow] = conv;
  const [kh, kw] = layer.kernel;
  const [sh, sw] = layer.stride;
  const [top, left] = layer.padding;
  const z = new Float64Array(oc * oh * ow);
  for (let o = 0; o < oc; o++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        let acc = layer.bias[o]!;
        for (let i = 0; i < c; i++) {
          for (let ky = 0; ky < kh; ky++) {
            const iy = y * sh + ky - top;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = xo * sw + kx - left;
              if (ix < 0 || ix >= w) continue;
              acc += layer.weights[((o * c + i) * kh + ky) * kw + kx]! * x[(i * h + iy) * w + ix]!;
            }
          }
        }
        z[(o * oh + y) * ow + xo] = layer.relu && acc < 0 ? 0 : acc;
      }
    }
  }
  const p = layer.pool;
  if (!p) return z;
  const [, ph, pw] = pooled;
  const out = new Float64Array(oc * ph * pw);
  const area = p.kernel[0] * p.kernel[1];
  for (let o = 0; o < oc; o++) {
    for (let y = 0; y < ph; y++) {
      for (let xo = 0; xo < pw; xo++) {
        let acc = p.type === 'max' ? Number.NEGATIVE_INFINITY : 0;
        for (let ky = 0; ky < p.kernel[0]; ky++) {
          for (let kx = 0; kx < p.kernel[1]; kx++) {
            const v = z[(o * oh + y * p.stride[0] + ky) * ow + xo * p.stride[1] + kx]!;
            acc = p.type === 'max' ? Math.max(acc, v) : acc + v;
          }
        }
        out[(o * ph + y) * pw + xo] = p.type === 'max' ? acc : acc / area;
      }
    }
  }
  return out;
}

function denseForward(layer: FloatDense, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(layer.outputs);
  for (let o = 0; o < layer.outputs; o++) {
    let acc = layer.bias[o]!;
    const base = o * layer.inputs;
    for (let i = 0; i < layer.inputs; i++) acc += layer.weights[base + i]! * x[i]!;
    out[o] = layer.relu && acc < 0 ? 0 : acc;
  }
  return out;
}

/**
 * Float (double precision) forward pass of an imported network on one input
 * (reals, flattened row-major); returns the last layer's outputs (logits).
 * `trace` receives every layer's output when given.
 */
export function floatNetworkForward(
  net: FloatNetwork,
  x: ArrayLike<number>,
  trace?: Float64Array[],
): Float64Array {
  let v: ArrayLike<number> = x;
  let out: Float64Array = new Float64Array(0);
  for (const layer of net.layers) {
    out = layer.type === 'conv' ? convForward(layer, v) : denseForward(layer, v);
    trace?.push(out);
    v = out;
  }
  return out;
}
