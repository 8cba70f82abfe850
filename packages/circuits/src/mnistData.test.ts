import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from './builtinCircuits.ts';
import { type FloatMlpJson, floatInput, floatMlpFromJson, floatPredict } from './floatMlp.ts';
import { loadMnist, quantizePixels } from './mnistData.ts';
import { modelsDir } from './paths.ts';
import { infer } from './reference.ts';

describe('loadMnist', () => {
  it('splits the 10,000 digits into disjoint training and held-out sets, the same way every time', () => {
    const { train, test } = loadMnist();
    expect(train.length + test.length).toBe(10_000);
    expect(test.length).toBeGreaterThan(1900);
    const key = (p: Uint8Array) => Buffer.from(p).toString('base64');
    const trainKeys = new Set(train.map((d) => key(d.pixels)));
    const overlap = test.filter((d) => trainKeys.has(key(d.pixels))).length;
    expect(overlap).toBeLessThan(5); // the package itself may hold a few identical images
    for (let label = 0; label < 10; label++) expect(test.some((d) => d.label === label)).toBe(true);
    expect(test[0]!.pixels.length).toBe(784);
    expect(Math.max(...train[5]!.pixels)).toBeLessThanOrEqual(255);
  });

  it('keeps the top bits when reducing pixels', () => {
    expect(quantizePixels([0, 15, 16, 255, 128, 127], 4)).toEqual([0, 0, 1, 15, 8, 7]);
    expect(quantizePixels([0, 127, 128, 255], 1)).toEqual([0, 0, 1, 1]);
  });
});

describe('the committed MNIST models', () => {
  for (const [file, bits] of [
    ['mnist-784-56-10', 8],
    ['mnist-784-56-10-4bit', 4],
    ['mnist-784-56-10-1bit', 1],
  ] as const) {
    it(`${file}: at least 95 % on held-out digits, within 0.5 points of its float model, as recorded`, async () => {
      const model = await loadModel(file);
      const float = floatMlpFromJson(
        JSON.parse(await readFile(path.join(modelsDir, `${file}.float.json`), 'utf8')) as FloatMlpJson,
      );
      const meta = JSON.parse(await readFile(path.join(modelsDir, `${file}.meta.json`), 'utf8')) as {
        floatAccuracy: number;
        quantizedAccuracy: number;
      };
      const { test } = loadMnist();
      let quantOk = 0;
      let floatOk = 0;
      for (const d of test) {
        const px = quantizePixels(d.pixels, bits);
        if (infer(model, px).prediction === d.label) quantOk++;
        if (floatPredict(float, floatInput(px, bits)) === d.label) floatOk++;
      }
      const quantized = quantOk / test.length;
      const floatAcc = floatOk / test.length;
      expect(quantized).toBe(meta.quantizedAccuracy);
      expect(floatAcc).toBe(meta.floatAccuracy);
      expect(quantized).toBeGreaterThanOrEqual(0.95);
      expect(quantized).toBeGreaterThanOrEqual(floatAcc - 0.005);
    });
  }
});
