import { isTenderError } from '@tender/core';
import { describe, expect, it } from 'vitest';
import { loadModel } from './builtinCircuits.ts';
import { inputCommitment, modelCommitment } from './commitments.ts';
import type { DenseLayer, QuantizedModel } from './model.ts';
import { poseidon, poseidonChain } from './poseidon.ts';
import { argmax, infer, referenceInference } from './reference.ts';

const model: QuantizedModel = {
  format: 'tender-mlp-v1',
  name: 'hand',
  input: { shape: [3], bits: 8 },
  layers: [
    {
      type: 'dense',
      inputs: 3,
      outputs: 2,
      weightBits: 4,
      biasBits: 6,
      weights: [
        [1, 2, -3],
        [-1, 0, 1],
      ],
      bias: [5, -20],
      activation: 'relu',
      shift: 2,
    },
    {
      type: 'dense',
      inputs: 2,
      outputs: 3,
      weightBits: 4,
      biasBits: 4,
      weights: [
        [1, 0],
        [0, 1],
        [-1, 2],
      ],
      bias: [0, 3, 0],
      activation: 'none',
      shift: 0,
    },
  ],
  output: 'argmax',
};

describe('infer', () => {
  it('computes dense, ReLU, floor shift and argmax exactly', () => {
    // z0 = 10 + 40 - 90 + 5 = -35 → 0; z1 = -10 + 30 - 20 = 0 → 0
    expect(infer(model, [10, 20, 30])).toEqual({ activations: [[0, 0]], logits: [0, 3, 0], prediction: 1 });
    // z0 = 200 + 2 - 0 + 5 = 207 → floor(207 / 4) = 51; z1 = -200 + 0 - 20 → 0
    expect(infer(model, [200, 1, 0])).toEqual({
      activations: [[51, 0]],
      logits: [51, 3, -51],
      prediction: 0,
    });
  });

  it('gives a tie to the lowest index', () => {
    expect(argmax([3, 7, 7, 1])).toBe(1);
    expect(argmax([0, 0, 0])).toBe(0);
    expect(argmax([-5, -2, -2])).toBe(1);
  });

  it('rejects inputs of the wrong length or outside the bit width', () => {
    for (const bad of [
      [1, 2],
      [1, 2, 256],
      [1, 2, -1],
      [1, 2, 1.5],
    ]) {
      try {
        infer(model, bad);
        throw new Error('accepted');
      } catch (error) {
        expect(isTenderError(error, 'TENDER_INPUT_INVALID')).toBe(true);
      }
    }
  });
});

describe('commitments', () => {
  it('uses circomlib Poseidon (published test vector)', async () => {
    expect(await poseidon([1n, 2n])).toBe(
      7853200120776062878684798364095072458815029376092732009249414926327459813530n,
    );
  });

  it('chains more than 16 elements and changes with any element or the salt', async () => {
    const elements = Array.from({ length: 26 }, (_, i) => BigInt(i + 1));
    const h = await poseidonChain(elements);
    expect(h).toBe(await poseidon([await poseidon(elements.slice(0, 16)), ...elements.slice(16)]));
    expect(await poseidonChain(elements.map((e, i) => (i === 20 ? e + 1n : e)))).not.toBe(h);
    expect(await poseidonChain(elements, 1n)).not.toBe(h);
  });

  it('commits to the input: any pixel change or salt changes the commitment', async () => {
    const base = await inputCommitment(model, [1, 2, 3]);
    expect(await inputCommitment(model, [1, 2, 3])).toBe(base);
    expect(await inputCommitment(model, [1, 2, 4])).not.toBe(base);
    expect(await inputCommitment(model, [1, 2, 3], 9n)).not.toBe(base);
  });

  it('commits to the weights: changing one weight changes the model commitment', async () => {
    const tiny = await loadModel('tiny');
    const c = await modelCommitment(tiny);
    const changed = structuredClone(tiny);
    const layer = changed.layers[1] as DenseLayer;
    layer.weights[3]![7] = layer.weights[3]![7]! + 1;
    expect(await modelCommitment(changed)).not.toBe(c);
    expect((await referenceInference(tiny, new Array(16).fill(0))).modelCommitment).toBe(c);
  });
});
