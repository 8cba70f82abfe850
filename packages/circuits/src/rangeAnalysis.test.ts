import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadModel } from './builtinCircuits.ts';
import type { QuantizedModel } from './model.ts';
import { analyzeRanges, bitLength } from './rangeAnalysis.ts';
import { infer } from './reference.ts';
import { randomInputs, randomModel } from './testing/randomModel.ts';

function preActivations(model: QuantizedModel, pixels: number[]): number[][] {
  const out: number[][] = [];
  let x = pixels;
  model.layers.forEach((l, li) => {
    const z = l.weights.map((row, o) => row.reduce((a, w, i) => a + w * x[i]!, l.bias[o]!));
    out.push(z);
    if (li < model.layers.length - 1) x = z.map((v) => (v > 0 ? Math.floor(v / 2 ** l.shift) : 0));
  });
  return out;
}

describe('analyzeRanges', () => {
  it('bounds every pre-activation, activation and logit the reference computes', () => {
    fc.assert(
      fc.property(
        randomModel.chain((m) => randomInputs(m, 5).map((inputs) => ({ m, inputs }))),
        ({ m, inputs }) => {
          for (const mode of ['public', 'private'] as const) {
            const r = analyzeRanges(m, mode);
            for (const pixels of inputs) {
              const zs = preActivations(m, pixels);
              const { activations, logits } = infer(m, pixels);
              r.hidden.forEach((layer, li) => {
                layer.forEach((n, o) => {
                  expect(BigInt(zs[li]![o]!) >= n.z.lo && BigInt(zs[li]![o]!) <= n.z.hi).toBe(true);
                  const y = BigInt(activations[li]![o]!);
                  expect(y >= n.y.lo && y <= n.y.hi).toBe(true);
                });
              });
              r.argmax.logits.forEach((l, k) => {
                expect(BigInt(logits[k]!) >= l.lo && BigInt(logits[k]!) <= l.hi).toBe(true);
              });
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('picks the cheapest gadget each neuron allows', () => {
    const layer = (weights: number[][], bias: number[], shift: number) => ({
      type: 'dense' as const,
      inputs: 1,
      outputs: weights.length,
      weightBits: 8,
      biasBits: 8,
      weights,
      bias,
      activation: 'relu' as const,
      shift,
    });
    const model: QuantizedModel = {
      format: 'tender-mlp-v1',
      name: 'gadgets',
      input: { shape: [1], bits: 4 },
      layers: [
        // z = -x (never positive), x (s = 0), x + 16 (s = 2), x - 8 (either sign), x (s = 4: always < 16)
        layer([[-1], [1], [1], [1], [1]], [0, 0, 16, -8, 0], 0),
        {
          ...layer([[1, 1, 1, 1, 1]], [0], 0),
          inputs: 5,
          outputs: 2,
          weights: [new Array(5).fill(1), new Array(5).fill(1)],
          bias: [0, 1],
          activation: 'none',
        },
      ],
      output: 'argmax',
    };
    const r = analyzeRanges(model, 'public');
    expect(r.hidden[0]!.map((n) => n.gadget)).toEqual([
      'constant',
      'identity',
      'identity',
      'relu',
      'identity',
    ]);
    model.layers[0]!.shift = 2;
    const shifted = analyzeRanges(model, 'public').hidden[0]!;
    expect(shifted.map((n) => n.gadget)).toEqual(['constant', 'rescale', 'rescale', 'relu', 'rescale']);
    // x - 8 in [-8, 7]: 2^3 ≥ 8 and 2^3 > 7, so 3 bits plus the sign
    expect(shifted[3]!.bits).toBe(4);
    expect(shifted[2]!.bits).toBe(bitLength(31n));
  });

  it('sizes the MNIST model within the constraint goal', async () => {
    const mnist = await loadModel('mnist-784-56-10');
    const r = analyzeRanges(mnist, 'public');
    expect(bitLength(r.maxAbs)).toBeLessThan(24);
    for (const n of r.hidden[0]!) expect(n.bits).toBeLessThanOrEqual(20);
  });
});
