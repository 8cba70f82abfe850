import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadModel } from './builtinCircuits.ts';
import { evalLayer, linearRows, poolWindows } from './layers.ts';
import type { QuantizedModel } from './model.ts';
import { analyzeRanges, bitLength } from './rangeAnalysis.ts';
import { infer } from './reference.ts';
import { randomConvModel, randomInputs, randomModel } from './testing/randomModel.ts';

/** The value each gadget sees: a row's pre-activation, or a max-pool window's largest one. */
function preActivations(model: QuantizedModel, pixels: number[]): number[][] {
  const out: number[][] = [];
  let x = pixels;
  for (const l of model.layers) {
    const windows = poolWindows(l);
    const { z, y } = evalLayer(l, linearRows(l), windows, x);
    const maxPool = l.type === 'conv' && l.pool?.type === 'max';
    out.push(maxPool ? windows!.map((w) => Math.max(...w.map((i) => z[i]!))) : z);
    x = y;
  }
  return out;
}

function expectBounded(m: QuantizedModel, inputs: number[][], modes: readonly ('public' | 'private')[]) {
  for (const mode of modes) {
    const r = analyzeRanges(m, mode);
    for (const pixels of inputs) {
      const zs = preActivations(m, pixels);
      const { logits } = infer(m, pixels);
      r.hidden.forEach((layer, li) => {
        const shift = m.layers[li]!.shift;
        layer.forEach((n, o) => {
          const z = zs[li]![o]!;
          expect(BigInt(z) >= n.z.lo && BigInt(z) <= n.z.hi).toBe(true);
          const y = BigInt(z > 0 ? Math.floor(z / 2 ** shift) : 0);
          expect(y >= n.y.lo && y <= n.y.hi).toBe(true);
        });
      });
      r.argmax.logits.forEach((l, k) => {
        expect(BigInt(logits[k]!) >= l.lo && BigInt(logits[k]!) <= l.hi).toBe(true);
      });
    }
  }
}

describe('analyzeRanges', () => {
  it('bounds every pre-activation, activation and logit the reference computes', () => {
    fc.assert(
      fc.property(
        randomModel.chain((m) => randomInputs(m, 5).map((inputs) => ({ m, inputs }))),
        ({ m, inputs }) => expectBounded(m, inputs, ['public', 'private']),
      ),
      { numRuns: 300 },
    );
  });

  it('bounds conv models (padding, stride, max-pooled pre-activations, sum pooling) too', () => {
    fc.assert(
      fc.property(
        randomConvModel.chain((m) => randomInputs(m, 5).map((inputs) => ({ m, inputs }))),
        ({ m, inputs }) => expectBounded(m, inputs, ['public']),
      ),
      { numRuns: 200, seed: 20240611 },
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
