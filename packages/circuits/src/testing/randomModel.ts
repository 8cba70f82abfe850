import fc from 'fast-check';
import { type DenseLayer, MODEL_FORMAT, type QuantizedModel, signedRange } from '../model.ts';

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
