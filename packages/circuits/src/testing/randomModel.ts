import fc from 'fast-check';
import {
  type ConvLayer,
  convOutputShape,
  convPooledShape,
  type DenseLayer,
  MODEL_FORMAT,
  type QuantizedModel,
  signedRange,
} from '../model.ts';

/** Shape and widths of a random test model, before its weights are drawn. */
interface Skeleton {
  inputBits: number;
  widths: number[];
  layers: { weightBits: number; biasBits: number; shift: number }[];
}

const skeleton: fc.Arbitrary<Skeleton> = fc
  .record({
    inputBits: fc.integer({ min: 1, max: 8 }),
    inputs: fc.integer({ min: 1, max: 10 }),
    hidden: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 2 }),
    classes: fc.integer({ min: 2, max: 5 }),
  })
  .chain(({ inputBits, inputs, hidden, classes }) => {
    const widths = [inputs, ...hidden, classes];
    return fc
      .tuple(
        ...widths.slice(1).map((_, li) =>
          fc.record({
            weightBits: fc.integer({ min: 1, max: 8 }),
            biasBits: fc.integer({ min: 1, max: 12 }),
            shift: li === hidden.length ? fc.constant(0) : fc.integer({ min: 0, max: 6 }),
          }),
        ),
      )
      .map((layers) => ({ inputBits, widths, layers }));
  });

function layerArb(inputs: number, outputs: number, spec: Skeleton['layers'][number], last: boolean) {
  const w = signedRange(spec.weightBits);
  const b = signedRange(spec.biasBits);
  return fc
    .record({
      weights: fc.array(
        fc.array(fc.integer({ min: w.min, max: w.max }), { minLength: inputs, maxLength: inputs }),
        {
          minLength: outputs,
          maxLength: outputs,
        },
      ),
      bias: fc.array(fc.integer({ min: b.min, max: b.max }), { minLength: outputs, maxLength: outputs }),
    })
    .map(
      ({ weights, bias }): DenseLayer => ({
        type: 'dense',
        inputs,
        outputs,
        weightBits: spec.weightBits,
        biasBits: spec.biasBits,
        weights,
        bias,
        activation: last ? 'none' : 'relu',
        shift: last ? 0 : spec.shift,
      }),
    );
}

/**
 * Random small quantized MLPs: 1-10 inputs of 1-8 bits, up to two hidden
 * layers of 1-5 neurons, 2-5 classes, weights of 1-8 bits, biases of 1-12
 * bits, shifts 0-6. Small widths make constant neurons and argmax ties common.
 */
export const randomModel: fc.Arbitrary<QuantizedModel> = skeleton.chain((sk) =>
  fc
    .tuple(
      ...sk.layers.map((spec, li) =>
        layerArb(sk.widths[li]!, sk.widths[li + 1]!, spec, li === sk.layers.length - 1),
      ),
    )
    .map(
      (layers): QuantizedModel => ({
        format: MODEL_FORMAT,
        name: 'random',
        input: { shape: [sk.widths[0]!], bits: sk.inputBits },
        layers,
        output: 'argmax',
      }),
    ),
);

/** Inputs valid for `model`: `count` arrays of pixels in [0, 2^bits - 1]. */
export function randomInputs(model: QuantizedModel, count: number): fc.Arbitrary<number[][]> {
  const n = model.input.shape.reduce((a, b) => a * b, 1);
  const max = 2 ** model.input.bits - 1;
  const pixel = fc.oneof(fc.integer({ min: 0, max }), fc.constant(0), fc.constant(max));
  return fc.array(fc.array(pixel, { minLength: n, maxLength: n }), { minLength: count, maxLength: count });
}

/**
 * Random small conv models: an image of 1-2 channels and 3-6 × 3-6 pixels of
 * 1-8 bits, one conv layer (1-3 channels, kernel 1-3, stride 1-2, padding
 * 0-1, ReLU and shift 0-5, max or sum pooling or none), then a dense layer
 * to 2-4 classes. Weights of 1-6 bits.
 */
export const randomConvModel: fc.Arbitrary<QuantizedModel> = fc
  .record({
    inputBits: fc.integer({ min: 1, max: 8 }),
    shape: fc.tuple(
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 3, max: 6 }),
      fc.integer({ min: 3, max: 6 }),
    ),
    outChannels: fc.integer({ min: 1, max: 3 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 1 }))),
    weightBits: fc.integer({ min: 1, max: 6 }),
    biasBits: fc.integer({ min: 1, max: 10 }),
    shift: fc.integer({ min: 0, max: 5 }),
    pool: fc.option(
      fc.record({
        type: fc.constantFrom('max' as const, 'sum' as const),
        kernel: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
        stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
      }),
      { nil: undefined },
    ),
    classes: fc.integer({ min: 2, max: 4 }),
    denseBits: fc.integer({ min: 1, max: 6 }),
  })
  .chain((p) => {
    const conv: ConvLayer = {
      type: 'conv',
      inputShape: p.shape,
      inputs: p.shape[0] * p.shape[1] * p.shape[2],
      outChannels: p.outChannels,
      kernel: p.kernel,
      stride: p.stride,
      padding: p.padding as [number, number, number, number],
      weightBits: p.weightBits,
      biasBits: p.biasBits,
      weights: [],
      bias: [],
      activation: 'relu',
      shift: p.shift,
      outputs: 0,
    };
    const [, oh, ow] = convOutputShape(conv);
    if (p.pool && p.pool.kernel[0] <= oh && p.pool.kernel[1] <= ow) conv.pool = p.pool;
    const [pc, ph, pw] = convPooledShape(conv);
    conv.outputs = pc * ph * pw;
    const w = signedRange(p.weightBits);
    const b = signedRange(p.biasBits);
    const d = signedRange(p.denseBits);
    const int = (r: { min: number; max: number }) => fc.integer(r);
    const nIn = p.shape[0] * p.kernel[0] * p.kernel[1];
    return fc
      .record({
        filters: fc.array(fc.array(int(w), { minLength: nIn, maxLength: nIn }), {
          minLength: p.outChannels,
          maxLength: p.outChannels,
        }),
        bias: fc.array(int(b), { minLength: p.outChannels, maxLength: p.outChannels }),
        dense: fc.array(fc.array(int(d), { minLength: conv.outputs, maxLength: conv.outputs }), {
          minLength: p.classes,
          maxLength: p.classes,
        }),
        denseBias: fc.array(int(d), { minLength: p.classes, maxLength: p.classes }),
      })
      .map(({ filters, bias, dense, denseBias }): QuantizedModel => {
        const [c] = p.shape;
        const [kh, kw] = p.kernel;
        conv.weights = filters.map((f) =>
          Array.from({ length: c }, (_, i) =>
            Array.from({ length: kh }, (_, y) => f.slice((i * kh + y) * kw, (i * kh + y + 1) * kw)),
          ),
        );
        conv.bias = bias;
        return {
          format: MODEL_FORMAT,
          name: 'random-conv',
          input: { shape: [...p.shape], bits: p.inputBits },
          layers: [
            conv,
            {
              type: 'dense',
              inputs: conv.outputs,
              outputs: p.classes,
              weightBits: p.denseBits,
              biasBits: p.denseBits,
              weights: dense,
              bias: denseBias,
              activation: 'none',
              shift: 0,
            },
          ],
          output: 'argmax',
        };
      });
  });

/** A 4×4 image, two 2×2 filters of mixed sign, ReLU >> 1, 2×2 max pooling with stride 1, three classes. */
export const POOLED: QuantizedModel = {
  format: 'tender-mlp-v1',
  name: 'pooled',
  input: { shape: [1, 4, 4], bits: 4 },
  layers: [
    {
      type: 'conv',
      inputShape: [1, 4, 4],
      inputs: 16,
      outChannels: 2,
      kernel: [2, 2],
      stride: [1, 1],
      padding: [0, 0, 1, 1],
      weightBits: 4,
      biasBits: 5,
      weights: [
        [
          [
            [3, -2],
            [1, -4],
          ],
        ],
        [
          [
            [-1, 5],
            [2, 0],
          ],
        ],
      ],
      bias: [4, -6],
      activation: 'relu',
      shift: 1,
      pool: { type: 'max', kernel: [2, 2], stride: [1, 1] },
      outputs: 18,
    },
    {
      type: 'dense',
      inputs: 18,
      outputs: 3,
      weightBits: 3,
      biasBits: 3,
      weights: [
        Array.from({ length: 18 }, (_, i) => (i % 3) - 1),
        Array.from({ length: 18 }, (_, i) => (i < 9 ? 1 : -1)),
        Array.from({ length: 18 }, (_, i) => (i % 2 ? 2 : -2)),
      ],
      bias: [0, 1, -1],
      activation: 'none',
      shift: 0,
    },
  ],
  output: 'argmax',
};
