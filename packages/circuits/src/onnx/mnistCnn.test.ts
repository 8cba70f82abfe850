import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateWitness } from '@tender/zk';
import { describe, expect, it } from 'vitest';
import { compileModelCircuit } from '../build.ts';
import { loadBuiltinModel } from '../builtinCircuits.ts';
import { constraintBudget } from '../constraintBudget.ts';
import { loadMnist } from '../mnistData.ts';
import { modelInput } from '../modelInput.ts';
import { modelsDir } from '../paths.ts';
import { inferrer } from '../reference.ts';
import { importOnnxModel } from './importOnnxModel.ts';

interface Meta {
  source: { sha256: string };
  quantization: { weightBits: number[]; activationBits: number; calibrationDigits: number };
  quantizedAccuracy: number;
  heldOut: { quantizedCorrect: number };
}

const meta = async () =>
  JSON.parse(await readFile(path.join(modelsDir, 'mnist-cnn.meta.json'), 'utf8')) as Meta;

describe('the built-in MNIST CNN', () => {
  it('is what importing the committed ONNX file with the recorded quantization gives', async () => {
    const m = await meta();
    const bytes = await readFile(path.join(modelsDir, 'mnist-cnn.onnx'));
    const { train } = loadMnist();
    const stride = Math.round(train.length / m.quantization.calibrationDigits);
    const committed = await loadBuiltinModel('mnist-cnn');
    const { model, report } = await importOnnxModel(
      bytes,
      {
        inputs: train.filter((_, i) => i % stride === 0).map((d) => Array.from(d.pixels)),
        bits: 8,
        scale: 1 / 255,
      },
      {
        name: committed.name,
        ...(committed.description === undefined ? {} : { description: committed.description }),
        weightBits: m.quantization.weightBits,
        activationBits: m.quantization.activationBits,
      },
    );
    expect(report.sourceSha256).toBe(m.source.sha256);
    expect(model).toEqual(committed);
  });

  it('fits a 2^15 ceremony and classifies the held-out digits as recorded', async () => {
    const model = await loadBuiltinModel('mnist-cnn');
    expect(constraintBudget(model, 'public').total).toBeLessThanOrEqual(32_000);
    const run = inferrer(model);
    const { test } = loadMnist();
    const correct = test.filter((d) => run(Array.from(d.pixels)).prediction === d.label).length;
    expect(correct).toBe((await meta()).heldOut.quantizedCorrect);
  });

  // A 27k-constraint circom compile (about 3 min here): at full scale only (`npm run test:full`).
  it.runIf(process.env.TENDER_SCALE === 'full')(
    'compiles to the predicted size, and its witness predicts what the reference does',
    async () => {
      const model = await loadBuiltinModel('mnist-cnn');
      const circuit = await compileModelCircuit(model);
      expect(circuit.constraints).toBe(constraintBudget(model, 'public').total);
      const run = inferrer(model);
      const { test } = loadMnist();
      for (const d of [test[3]!, test[700]!, test[1500]!]) {
        const witness = await calculateWitness(circuit.wasmPath, modelInput(model, d.pixels));
        expect(Number(witness[2])).toBe(run(Array.from(d.pixels)).prediction);
      }
    },
    900_000,
  );
});
