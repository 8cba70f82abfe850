import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FloatMlp } from './floatMlp.ts';
import { floatForward, floatInput, floatMlpFromJson, floatMlpToJson, roundToFloat32 } from './floatMlp.ts';
import { quantizeMlp } from './quantize.ts';
import { infer } from './reference.ts';

function mlp(seed: number): FloatMlp {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  return {
    layers: [
      {
        inputs: 6,
        outputs: 5,
        weights: Float64Array.from({ length: 30 }, rand),
        bias: Float64Array.from({ length: 5 }, rand),
      },
      {
        inputs: 5,
        outputs: 3,
        weights: Float64Array.from({ length: 15 }, rand),
        bias: Float64Array.from({ length: 3 }, rand),
      },
    ],
  };
}

describe('quantizeMlp', () => {
  it('keeps weights within their widths and tracks the float logits up to the output scale', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }),
        (seed, pixels) => {
          const float = mlp(seed);
          const q = quantizeMlp(float, {
            name: 'q',
            inputShape: [6],
            inputBits: 8,
            layers: [
              { weightBits: 8, shift: 0 },
              { weightBits: 8, shift: 0 },
            ],
          });
          for (const row of q.layers[0]!.weights)
            for (const w of row) expect(Math.abs(w)).toBeLessThanOrEqual(127);
          const scale = q.layers[1]!.outputScale!;
          const exact = floatForward(float, floatInput(pixels, 8));
          const approx = infer(q, pixels).logits.map((l) => l * scale);
          const spread = Math.max(...exact.map(Math.abs), 1);
          approx.forEach((a, k) => {
            expect(Math.abs(a - exact[k]!)).toBeLessThan(0.1 * spread);
          });
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('floatMlpToJson', () => {
  it('round-trips a float32 model exactly', () => {
    const m = roundToFloat32(mlp(7));
    const back = floatMlpFromJson(floatMlpToJson(m));
    expect(Array.from(back.layers[0]!.weights)).toEqual(Array.from(m.layers[0]!.weights));
    expect(Array.from(back.layers[1]!.bias)).toEqual(Array.from(m.layers[1]!.bias));
  });
});
