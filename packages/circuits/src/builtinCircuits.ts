import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type BuildOptions, type BuiltModelCircuit, buildModelCircuit } from './build.ts';
import { parseModel, type QuantizedModel } from './model.ts';
import { modelsDir } from './paths.ts';
import type { ModelMode } from './rangeAnalysis.ts';

/** A circuit Tender ships: a committed model file and the mode it is built in. */
export interface BuiltinCircuit {
  id: string;
  /** File name under `packages/circuits/models/`. */
  modelFile: string;
  mode: ModelMode;
  description: string;
}

/**
 * The circuits Tender ships. `mnist` is the demo (784-56-10 on 8-bit
 * pixels, public weights, ~8.6k constraints, pot15); `mnist-cnn` is the
 * convolutional one imported from `models/mnist-cnn.onnx` (pot15); `tiny` (16-8-4, pot12)
 * and `tiny-private` (same model, private weights) are for fast tests;
 * `mnist-4bit` and `mnist-1bit` trade input precision for constraints.
 */
export const builtinCircuits = {
  mnist: {
    id: 'mnist',
    modelFile: 'mnist-784-56-10.json',
    mode: 'public',
    description: 'MNIST digit classifier, 784-56-10 MLP on 8-bit pixels, public weights',
  },
  'mnist-cnn': {
    id: 'mnist-cnn',
    modelFile: 'mnist-cnn.json',
    mode: 'public',
    description:
      'MNIST digit classifier, CNN (conv 5x5 stride 2 + ReLU, dense) imported from ONNX, 8-bit pixels, public weights',
  },
  'mnist-4bit': {
    id: 'mnist-4bit',
    modelFile: 'mnist-784-56-10-4bit.json',
    mode: 'public',
    description: 'MNIST digit classifier, 784-56-10 MLP on 4-bit pixels, public weights',
  },
  'mnist-1bit': {
    id: 'mnist-1bit',
    modelFile: 'mnist-784-56-10-1bit.json',
    mode: 'public',
    description: 'MNIST digit classifier, 784-56-10 MLP on 1-bit pixels, public weights',
  },
  tiny: {
    id: 'tiny',
    modelFile: 'tiny.json',
    mode: 'public',
    description: 'Tiny 4x4 brightest-quadrant classifier (16-8-4), public weights, for tests',
  },
  'tiny-private': {
    id: 'tiny-private',
    modelFile: 'tiny.json',
    mode: 'private',
    description: 'Tiny 4x4 brightest-quadrant classifier (16-8-4), private committed weights, for tests',
  },
} as const satisfies Record<string, BuiltinCircuit>;

/** Id of a built-in circuit. */
export type BuiltinCircuitId = keyof typeof builtinCircuits;

/**
 * Reads and validates a committed model by file name (`mnist-784-56-10.json`,
 * with or without `.json`) from `packages/circuits/models/`.
 */
export async function loadModel(file: string): Promise<QuantizedModel> {
  const name = file.endsWith('.json') ? file : `${file}.json`;
  return parseModel(JSON.parse(await readFile(path.join(modelsDir, name), 'utf8')));
}

/** The model of a built-in circuit. */
export function loadBuiltinModel(id: BuiltinCircuitId): Promise<QuantizedModel> {
  return loadModel(builtinCircuits[id].modelFile);
}

/**
 * Builds (or loads from the cache) a built-in circuit: compile, Groth16
 * setup, model card. What `npm start` calls for `mnist` on first start.
 *
 * @example
 * const tiny = await buildBuiltinCircuit('tiny');
 */
export async function buildBuiltinCircuit(
  id: BuiltinCircuitId,
  opts: Omit<BuildOptions, 'mode'> = {},
): Promise<BuiltModelCircuit> {
  const spec = builtinCircuits[id];
  return buildModelCircuit(await loadBuiltinModel(id), { ...opts, mode: spec.mode });
}
