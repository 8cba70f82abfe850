/**
 * Imports the convolutional MNIST model (`models/mnist-cnn.onnx`, written by
 * `train-mnist-cnn.py`) through the ONNX importer, picks its quantization,
 * and writes `models/mnist-cnn.json` (the model the circuit is built from)
 * and `models/mnist-cnn.meta.json` (accuracies with counts, constraint
 * budget, the ONNX file's sha256, the quantization chosen):
 *
 *   npx tsx packages/circuits/scripts/import-mnist-cnn.ts          # import and write
 *   npx tsx packages/circuits/scripts/import-mnist-cnn.ts --check  # re-import, compare with the committed files
 *
 * The quantization (weight widths, activation width) is chosen on the
 * training digits only: the fewest constraints whose training accuracy stays
 * within 0.2 points of the float model's (on every fourth training digit).
 * The held-out digits are only measured.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constraintBudget } from '../src/constraintBudget.ts';
import { loadMnist } from '../src/mnistData.ts';
import { compareAccuracy, importOnnxModel } from '../src/onnx/importOnnxModel.ts';

const modelsDir = fileURLToPath(new URL('../models/', import.meta.url));
const NAME = 'mnist-cnn';
const TOLERANCE = 0.002;
/** Calibration digits: the first of every 8 training digits (1,000), enough for the activation maxima. */
const CALIBRATION_STRIDE = 8;

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const onnxArg = process.argv.indexOf('--onnx');
  const onnxPath = onnxArg > 0 ? process.argv[onnxArg + 1]! : path.join(modelsDir, `${NAME}.onnx`);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const bytes = await readFile(onnxPath);
  const { train, test } = loadMnist();
  const calibration = {
    inputs: train.filter((_, i) => i % CALIBRATION_STRIDE === 0).map((d) => Array.from(d.pixels)),
    bits: 8,
    scale: 1 / 255,
  };
  // candidates are compared on every second training digit (speed); the float model's count is the same for all
  const sample = train.filter((_, i) => i % 4 === 1);
  const trainInputs = sample.map((d) => Array.from(d.pixels));
  const trainLabels = sample.map((d) => d.label);
  let best:
    | { imported: Awaited<ReturnType<typeof importOnnxModel>>; trainCorrect: number; options: unknown }
    | undefined;
  let floatTrain = -1;
  for (const convBits of [4, 5, 6]) {
    for (const denseBits of [8]) {
      for (const activationBits of [8]) {
        const options = { weightBits: [convBits, denseBits, denseBits], activationBits };
        const imported = await importOnnxModel(bytes, calibration, {
          name: NAME,
          description:
            'MNIST digit classifier (conv 5x5/2 + BatchNorm + ReLU, dense, argmax) on 8-bit pixels, trained by ' +
            'packages/circuits/scripts/train-mnist-cnn.py, imported from ONNX by import-mnist-cnn.ts',
          ...options,
        });
        const total = imported.report.constraints.total;
        if (best && total >= best.imported.report.constraints.total) continue;
        const acc = compareAccuracy(imported.network, imported.model, trainInputs, 1 / 255, trainLabels);
        if (floatTrain < 0) floatTrain = acc.floatCorrect;
        log(
          `  conv ${convBits} bits, dense ${denseBits}, activations ${activationBits}: train ${acc.quantizedCorrect}/${acc.samples} (float ${acc.floatCorrect}), ${total} constraints`,
        );
        if (acc.quantizedCorrect < floatTrain - TOLERANCE * acc.samples) continue;
        best = { imported, trainCorrect: acc.quantizedCorrect, options };
      }
    }
  }
  if (!best) throw new Error('no quantization keeps the accuracy');
  const { model, network, report } = best.imported;
  const held = compareAccuracy(
    network,
    model,
    test.map((d) => Array.from(d.pixels)),
    1 / 255,
    test.map((d) => d.label),
  );
  log(
    `${NAME}: held-out float ${held.floatCorrect}/${held.samples}, quantized ${held.quantizedCorrect}/${held.samples}, ` +
      `${report.constraints.total} constraints`,
  );
  const meta = {
    model: NAME,
    source: { file: `${NAME}.onnx`, sha256: report.sourceSha256, opsetVersion: report.opsetVersion },
    architecture: report.architecture,
    importNotes: report.notes,
    quantization: {
      ...(best.options as object),
      calibrationDigits: calibration.inputs.length,
      layers: report.calibration.layers,
    },
    trainDigits: train.length,
    testDigits: test.length,
    floatAccuracy: held.floatAccuracy,
    quantizedAccuracy: held.quantizedAccuracy,
    heldOut: { floatCorrect: held.floatCorrect, quantizedCorrect: held.quantizedCorrect, agree: held.agree },
    quantizedTrainAccuracy: best.trainCorrect / sample.length,
    constraintBudget: constraintBudget(model, 'public'),
  };
  const files = new Map([
    [`${NAME}.json`, `${JSON.stringify(model)}\n`],
    [`${NAME}.meta.json`, `${JSON.stringify(meta, null, 2)}\n`],
  ]);
  let mismatches = 0;
  for (const [file, text] of files) {
    const target = path.join(modelsDir, file);
    if (check) {
      if ((await readFile(target, 'utf8').catch(() => '')) !== text) {
        mismatches++;
        log(`differs: ${file}`);
      }
    } else {
      await writeFile(target, text);
      log(`wrote ${path.relative(process.cwd(), target)}`);
    }
  }
  console.log(JSON.stringify(meta, null, 2));
  if (check && mismatches > 0) process.exitCode = 1;
  if (check && mismatches === 0) log('reproduced the committed model exactly');
}

await main();
