import { readFile } from 'node:fs/promises';
import { isTenderError, type TenderError } from '@tender/core';
import { calculateWitness } from '@tender/zk';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compileModelCircuit } from '../build.ts';
import { modelInput } from '../modelInput.ts';
import { circuitsCacheDir } from '../paths.ts';
import { argmax, infer } from '../reference.ts';
import { floatNetworkForward } from './floatNetwork.ts';
import { importOnnxModel } from './importOnnxModel.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}.onnx`, import.meta.url));
const cacheDir = `${circuitsCacheDir}-test`;

/** mulberry32: reproducible pixels. */
function pixels(count: number, size: number, seed: number): number[][] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => Array.from({ length: size }, () => Math.floor(rand() * 256)));
}

async function onnxruntime(bytes: Uint8Array, shape: number[], inputs: number[][]) {
  const session = await ort.InferenceSession.create(bytes);
  const outs: number[][] = [];
  for (const x of inputs) {
    const feeds = {
      [session.inputNames[0]!]: new ort.Tensor(
        'float32',
        Float32Array.from(x, (p) => p / 255),
        shape,
      ),
    };
    const result = await session.run(feeds);
    outs.push(Array.from(result[session.outputNames[0]!]!.data as Float32Array | BigInt64Array, Number));
  }
  return outs;
}

async function expectError(promise: Promise<unknown>, code: string): Promise<TenderError> {
  try {
    await promise;
  } catch (error) {
    expect(isTenderError(error, code as never), String(error)).toBe(true);
    return error as TenderError;
  }
  throw new Error(`expected ${code}`);
}

const calibrate = (inputs: number[][]) => ({ inputs, bits: 8, scale: 1 / 255 });

describe('importOnnxModel', () => {
  it('imports an MLP (MatMul + Add, Relu, Identity, Gemm with transB/alpha/beta) as onnxruntime evaluates it', async () => {
    const bytes = await fixture('mlp');
    const inputs = pixels(40, 20, 1);
    const { network, model, report } = await importOnnxModel(bytes, calibrate(inputs), {
      name: 'fixture-mlp',
    });
    expect(report.architecture).toEqual(['dense 20 -> 12, relu', 'dense 12 -> 5']);
    expect(report.notes).toEqual({ folded: ['fc1_bias'], removed: ['noop'] });
    const expected = await onnxruntime(bytes, [1, 20], inputs);
    inputs.forEach((x, k) => {
      const got = floatNetworkForward(
        network,
        x.map((p) => p / 255),
      );
      got.forEach((v, i) => {
        expect(Math.abs(v - expected[k]![i]!)).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(expected[k]![i]!)),
        );
      });
    });
    expect(model.layers.map((l) => l.type)).toEqual(['dense', 'dense']);
    expect(report.accuracy.samples).toBe(40);
    expect(report.accuracy.agree).toBeGreaterThanOrEqual(36);
  });

  it('folds BatchNormalization and keeps max / global average pooling of a CNN, as onnxruntime evaluates it', async () => {
    const bytes = await fixture('cnn-bn-maxpool');
    const inputs = pixels(30, 64, 2);
    const { network, report } = await importOnnxModel(bytes, calibrate(inputs), { name: 'fixture-cnn' });
    expect(report.architecture).toEqual([
      'conv 1x8x8 -> 4, 3x3/1x1 pad 1,1,1,1, relu, max-pool 2x2/2x2',
      'conv 4x4x4 -> 6, 3x3/1x1 pad 0,0,0,0, relu, average-pool 2x2/1x1',
      'dense 6 -> 3',
    ]);
    expect(report.notes.folded).toEqual(['bn1']);
    expect(report.notes.removed).toEqual(['drop', 'flat']);
    const expected = await onnxruntime(bytes, [1, 1, 8, 8], inputs);
    inputs.forEach((x, k) => {
      const got = floatNetworkForward(
        network,
        x.map((p) => p / 255),
      );
      got.forEach((v, i) => {
        expect(Math.abs(v - expected[k]![i]!)).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(expected[k]![i]!)),
        );
      });
    });
  });

  it('imports SAME padding, stride 2, max-pool before ReLU, average pooling, Reshape and an ArgMax output', async () => {
    const bytes = await fixture('cnn-avgpool-argmax');
    const inputs = pixels(30, 200, 3);
    const { network, report } = await importOnnxModel(bytes, calibrate(inputs), { name: 'fixture-argmax' });
    expect(report.output).toBe('argmax');
    expect(report.architecture[0]).toBe('conv 2x10x10 -> 3, 3x3/2x2 pad 0,0,1,1, relu, max-pool 2x2/1x1');
    const expected = await onnxruntime(bytes, [1, 2, 10, 10], inputs);
    inputs.forEach((x, k) => {
      expect(
        argmax(
          Array.from(
            floatNetworkForward(
              network,
              x.map((p) => p / 255),
            ),
          ),
        ),
      ).toBe(expected[k]![0]);
    });
  });

  it('compiles an imported CNN to a circuit whose witness equals the quantized reference', async () => {
    const inputs = pixels(12, 64, 4);
    const { model, report } = await importOnnxModel(await fixture('cnn-bn-maxpool'), calibrate(inputs), {
      name: 'fixture-cnn',
      weightBits: 6,
    });
    const circuit = await compileModelCircuit(model, { cacheDir, exposeLogits: true });
    expect(report.constraints.total).toBeLessThanOrEqual(circuit.constraints);
    for (const x of inputs.slice(0, 4)) {
      const witness = await calculateWitness(circuit.wasmPath, modelInput(model, x));
      const ref = infer(model, x);
      const field = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
      expect(witness.slice(2, 2 + 1 + ref.logits.length)).toEqual([
        BigInt(ref.prediction),
        ...ref.logits.map((l) => (BigInt(l) + field) % field),
      ]);
    }
    const plain = await compileModelCircuit(model, { cacheDir });
    expect(plain.constraints).toBe(report.constraints.total);
  }, 600_000);

  it('refuses an unsupported operator, naming it and its node', async () => {
    const error = await expectError(
      importOnnxModel(await fixture('unsupported-sigmoid'), calibrate(pixels(2, 6, 5)), { name: 'x' }),
      'TENDER_MODEL_UNSUPPORTED',
    );
    expect(error.message).toContain('Sigmoid');
    expect(error.details).toMatchObject({ node: 'squash', operator: 'Sigmoid' });
  });

  it('refuses shapes that do not line up, naming the node', async () => {
    const error = await expectError(
      importOnnxModel(await fixture('shape-mismatch'), calibrate(pixels(2, 6, 6)), { name: 'x' }),
      'TENDER_MODEL_INVALID',
    );
    expect(error.details).toMatchObject({ node: 'fc2', operator: 'Gemm' });
  });

  it('refuses bytes that are not an ONNX model', async () => {
    await expectError(
      importOnnxModel(new Uint8Array([8, 1, 0xff, 0xff, 0xff, 3, 7]), calibrate([[1]]), { name: 'x' }),
      'TENDER_MODEL_INVALID',
    );
    await expectError(
      importOnnxModel(Buffer.from('not onnx'), calibrate([[1]]), { name: 'x' }),
      'TENDER_MODEL_INVALID',
    );
  });

  it('refuses a calibration set that does not fit the input, naming the field', async () => {
    const bytes = await fixture('mlp');
    const short = await expectError(
      importOnnxModel(bytes, calibrate([new Array(19).fill(0)]), { name: 'x' }),
      'TENDER_INPUT_INVALID',
    );
    expect(short.details).toMatchObject({ field: 'inputs.0' });
    const wide = await expectError(
      importOnnxModel(bytes, calibrate([new Array(20).fill(0), [...new Array(19).fill(0), 256]]), {
        name: 'x',
      }),
      'TENDER_INPUT_INVALID',
    );
    expect(wide.details).toMatchObject({ field: 'inputs.1.19' });
    await expectError(importOnnxModel(bytes, calibrate([]), { name: 'x' }), 'TENDER_INPUT_INVALID');
  });
});
