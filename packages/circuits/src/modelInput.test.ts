import { isTenderError } from '@tender/core';
import { describe, expect, it } from 'vitest';
import { loadModel } from './builtinCircuits.ts';
import { decodePublicSignals, modelInput, modelPixels } from './modelInput.ts';

describe('modelInput', () => {
  it('gives the pixels and salt, and the weights for a private-weight circuit', async () => {
    const tiny = await loadModel('tiny');
    const pixels = Array.from({ length: 16 }, (_, i) => i * 16);
    expect(modelInput(tiny, pixels, { salt: 3n })).toEqual({ pixels, salt: '3' });
    const priv = modelInput(tiny, pixels, { mode: 'private' });
    expect(Object.keys(priv)).toEqual(['pixels', 'salt', 'w0', 'b0', 'w1', 'b1']);
    expect(priv['w1']).toEqual(tiny.layers[1]!.weights);
  });

  it('reduces 8-bit pixels to a narrower model and rejects out-of-range pixels', async () => {
    const oneBit = await loadModel('mnist-784-56-10-1bit');
    const raw = Array.from({ length: 784 }, (_, i) => i % 256);
    const px = modelPixels(oneBit, raw, 8);
    expect(px.slice(126, 130)).toEqual([0, 0, 1, 1]);
    try {
      modelPixels(
        oneBit,
        raw.map((p) => p * 2),
        8,
      );
      throw new Error('accepted');
    } catch (error) {
      expect(isTenderError(error, 'TENDER_INPUT_INVALID')).toBe(true);
    }
  });
});

describe('decodePublicSignals', () => {
  it('names the public signals of each mode', () => {
    expect(decodePublicSignals('public', ['12', '7'])).toEqual({ inputCommitment: 12n, prediction: 7 });
    expect(decodePublicSignals('private', ['12', '7', '99'])).toEqual({
      inputCommitment: 12n,
      prediction: 7,
      modelCommitment: 99n,
    });
    expect(() => decodePublicSignals('public', ['1'])).toThrow(/2 public signals/);
  });
});
