/** One dense layer of a float MLP: `weights` row-major `[outputs][inputs]`. */
export interface FloatLayer {
  inputs: number;
  outputs: number;
  weights: Float64Array;
  bias: Float64Array;
}

/**
 * A float MLP: dense layers with ReLU between them, argmax over the last
 * layer's outputs. Inputs are reals, `p / (2^bits - 1)` for `bits`-bit pixels.
 */
export interface FloatMlp {
  layers: FloatLayer[];
}

/** The serialized form: weights and biases as little-endian float32, base64. */
export interface FloatMlpJson {
  format: 'tender-float-mlp-v1';
  layers: { inputs: number; outputs: number; weights: string; bias: string }[];
}

/** Rounds every parameter to float32, the precision {@link floatMlpToJson} keeps. */
export function roundToFloat32(mlp: FloatMlp): FloatMlp {
  return {
    layers: mlp.layers.map((l) => ({
      ...l,
      weights: Float64Array.from(l.weights, Math.fround),
      bias: Float64Array.from(l.bias, Math.fround),
    })),
  };
}

function encode(values: Float64Array): string {
  return Buffer.from(Float32Array.from(values).buffer).toString('base64');
}

function decode(text: string, length: number): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== length * 4) throw new RangeError(`expected ${length} float32 values`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float64Array.from({ length }, (_, i) => view.getFloat32(i * 4, true));
}

/** Serializes a float MLP (float32 precision). */
export function floatMlpToJson(mlp: FloatMlp): FloatMlpJson {
  return {
    format: 'tender-float-mlp-v1',
    layers: mlp.layers.map((l) => ({
      inputs: l.inputs,
      outputs: l.outputs,
      weights: encode(l.weights),
      bias: encode(l.bias),
    })),
  };
}

/** Reads what {@link floatMlpToJson} wrote. */
export function floatMlpFromJson(json: FloatMlpJson): FloatMlp {
  return {
    layers: json.layers.map((l) => ({
      inputs: l.inputs,
      outputs: l.outputs,
      weights: decode(l.weights, l.inputs * l.outputs),
      bias: decode(l.bias, l.outputs),
    })),
  };
}

/**
 * Float forward pass; returns the last layer's outputs (logits). `scratch`
 * receives each hidden layer's activations when given (training uses them).
 */
export function floatForward(mlp: FloatMlp, x: ArrayLike<number>, scratch?: Float64Array[]): Float64Array {
  let input: ArrayLike<number> = x;
  let out = new Float64Array(0);
  mlp.layers.forEach((layer, li) => {
    out = new Float64Array(layer.outputs);
    const last = li === mlp.layers.length - 1;
    for (let o = 0; o < layer.outputs; o++) {
      let acc = layer.bias[o]!;
      const base = o * layer.inputs;
      for (let i = 0; i < layer.inputs; i++) {
        const v = input[i]!;
        if (v !== 0) acc += layer.weights[base + i]! * v;
      }
      out[o] = last || acc > 0 ? acc : 0;
    }
    if (!last && scratch) scratch[li] = out;
    input = out;
  });
  return out;
}

/** Index of the largest output of the float model (lowest index on a tie). */
export function floatPredict(mlp: FloatMlp, x: ArrayLike<number>): number {
  const out = floatForward(mlp, x);
  let best = 0;
  for (let k = 1; k < out.length; k++) if (out[k]! > out[best]!) best = k;
  return best;
}

/** Scales integer pixels of `bits` bits to the float model's inputs, `p / (2^bits - 1)`. */
export function floatInput(pixels: ArrayLike<number>, bits: number): Float64Array {
  const max = 2 ** bits - 1;
  return Float64Array.from(pixels as ArrayLike<number>, (p) => p / max);
}
