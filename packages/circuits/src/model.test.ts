import { isTenderError } from '@tender/core';
import { describe, expect, it } from 'vitest';
import { loadModel } from './builtinCircuits.ts';
import { parseModel, type QuantizedModel } from './model.ts';

function tinyJson(): QuantizedModel {
  return {
    format: 'tender-mlp-v1',
    name: 'm',
    input: { shape: [2], bits: 8 },
    layers: [
      {
        type: 'dense',
        inputs: 2,
        outputs: 2,
        weightBits: 4,
        biasBits: 4,
        weights: [
          [1, -8],
          [7, 0],
        ],
        bias: [0, -8],
        activation: 'relu',
        shift: 1,
      },
      {
        type: 'dense',
        inputs: 2,
        outputs: 2,
        weightBits: 4,
        biasBits: 4,
        weights: [
          [1, 2],
          [3, 4],
        ],
        bias: [0, 0],
        activation: 'none',
        shift: 0,
      },
    ],
    output: 'argmax',
  };
}

function expectInvalid(json: unknown, message: RegExp) {
  try {
    parseModel(json);
  } catch (error) {
    expect(isTenderError(error, 'TENDER_MODEL_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('parseModel accepted an invalid model');
}

describe('parseModel', () => {
  it('accepts a well-formed model and every committed model', async () => {
    expect(parseModel(tinyJson()).layers).toHaveLength(2);
    for (const file of ['tiny', 'mnist-784-56-10', 'mnist-784-56-10-4bit', 'mnist-784-56-10-1bit']) {
      const model = await loadModel(file);
      expect(model.output).toBe('argmax');
    }
  });

  it('rejects a weight that does not fit its declared width', () => {
    const m = tinyJson();
    m.layers[0]!.weights[1]![0] = 8;
    expectInvalid(m, /does not fit 4 bits/);
  });

  it('rejects layers whose shapes do not chain', () => {
    const m = tinyJson();
    m.layers[1]!.inputs = 3;
    expectInvalid(m, /takes 3 inputs/);
  });

  it('rejects a last layer with an activation or shift', () => {
    const m = tinyJson();
    m.layers[1]!.activation = 'relu';
    expectInvalid(m, /last layer/);
  });

  it('rejects a row of the wrong length, a non-integer weight and an unknown format', () => {
    const short = tinyJson();
    short.layers[0]!.weights[0] = [1];
    expectInvalid(short, /needs 2 weights/);
    const fraction = tinyJson();
    fraction.layers[0]!.weights[0]![0] = 0.5;
    expectInvalid(fraction, /invalid/);
    expectInvalid({ ...tinyJson(), format: 'onnx' }, /format/);
  });
});
