import { calculateWitness } from '@tender/zk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileModelCircuit } from './build.ts';
import { loadModel } from './builtinCircuits.ts';
import { generateCircom } from './generateCircom.ts';
import type { QuantizedModel } from './model.ts';
import { modelInput } from './modelInput.ts';
import { circuitsCacheDir } from './paths.ts';
import { analyzeRanges, type ModelMode } from './rangeAnalysis.ts';
import { referenceInference } from './reference.ts';
import { POOLED, randomConvModel, randomInputs, randomModel } from './testing/randomModel.ts';

// Compiled test circuits are cached by source hash; a fixed seed keeps the set bounded.
const cacheDir = `${circuitsCacheDir}-test`;

/**
 * Compiles `model` with its logits exposed as extra outputs and checks, for
 * each input, that the witness's outputs (input commitment, prediction,
 * model commitment, every logit) equal the reference's.
 */
async function expectCircuitMatchesReference(model: QuantizedModel, mode: ModelMode, inputs: number[][]) {
  // compileModelCircuit fails when circom's constraint count differs from the predicted budget
  const plain = await compileModelCircuit(model, { mode, cacheDir });
  const circuit = await compileModelCircuit(model, { mode, cacheDir, exposeLogits: true });
  expect(circuit.constraints).toBeGreaterThanOrEqual(plain.constraints);
  const classes = model.layers.at(-1)!.outputs;
  expect(circuit.publicSignalNames).toEqual([
    'inputCommitment',
    'prediction',
    ...(mode === 'private' ? ['modelCommitment'] : []),
    ...Array.from({ length: classes }, (_, k) => `logits[${k}]`),
  ]);
  for (const [k, pixels] of inputs.entries()) {
    const salt = BigInt(k * 7919);
    const input = modelInput(model, pixels, { mode, salt });
    const plainWitness = await calculateWitness(plain.wasmPath, input);
    const witness = await calculateWitness(circuit.wasmPath, input);
    expect(plainWitness.slice(1, 1 + plain.publicSignals)).toEqual(witness.slice(1, 1 + plain.publicSignals));
    const ref = await referenceInference(model, pixels, { salt });
    const outputs = witness.slice(1, 1 + circuit.publicSignals);
    const expected = [ref.inputCommitment, BigInt(ref.prediction)];
    if (mode === 'private') expected.push(ref.modelCommitment);
    const field = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
    expected.push(...ref.logits.map((l) => (BigInt(l) + field) % field));
    expect(outputs).toEqual(expected);
  }
}

describe('generateCircom', () => {
  it('public-weight circuits of random models output what the reference computes', async () => {
    await fc.assert(
      fc.asyncProperty(
        randomModel.chain((m) => randomInputs(m, 4).map((inputs) => ({ m, inputs }))),
        async ({ m, inputs }) => expectCircuitMatchesReference(m, 'public', inputs),
      ),
      { seed: 20240601, numRuns: 6, endOnFailure: true },
    );
  });

  it('private-weight circuits of random models output the reference and its model commitment', async () => {
    await fc.assert(
      fc.asyncProperty(
        randomModel.chain((m) => randomInputs(m, 3).map((inputs) => ({ m, inputs }))),
        async ({ m, inputs }) => expectCircuitMatchesReference(m, 'private', inputs),
      ),
      { seed: 20240602, numRuns: 3, endOnFailure: true },
    );
  });

  it('conv circuits of random models (padding, stride, max and sum pooling) output what the reference computes', async () => {
    await fc.assert(
      fc.asyncProperty(
        randomConvModel.chain((m) => randomInputs(m, 3).map((inputs) => ({ m, inputs }))),
        async ({ m, inputs }) => expectCircuitMatchesReference(m, 'public', inputs),
      ),
      { seed: 20240603, numRuns: 6, endOnFailure: true },
    );
  }, 600_000);

  it('max-pools pre-activations with comparisons, ties and all, as the reference pools activations', async () => {
    await expectCircuitMatchesReference(POOLED, 'public', [
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15],
      [1, 9, 3, 0, 15, 2, 7, 7, 0, 4, 11, 5, 6, 13, 8, 2],
      [5, 5, 0, 0, 5, 5, 0, 0, 0, 0, 9, 9, 0, 0, 9, 9],
    ]);
    const steps = analyzeRanges(POOLED, 'public').pools[0]!.flat();
    expect(steps.filter((s) => s.pick === 'compare').length).toBeGreaterThan(10);
  }, 600_000);

  it('breaks an argmax tie towards the lowest index, as the reference does', async () => {
    const tie: QuantizedModel = {
      format: 'tender-mlp-v1',
      name: 'tie',
      input: { shape: [2], bits: 4 },
      layers: [
        {
          type: 'dense',
          inputs: 2,
          outputs: 4,
          weightBits: 4,
          biasBits: 4,
          // logits: x0 - 5, x1, x1, x0 + x1 - 7
          weights: [
            [1, 0],
            [0, 1],
            [0, 1],
            [1, 1],
          ],
          bias: [-5, 0, 0, -7],
          activation: 'none',
          shift: 0,
        },
      ],
      output: 'argmax',
    };
    // [0, 3]: classes 1 and 2 tie at 3 → 1; [12, 7]: classes 0, 1, 2 tie at 7 (and 12 + 7 - 7 = 12 wins) → 3
    // [12, 0]: 7, 0, 0, 5 → 0; [5, 0]: 0, 0, 0, -2 → 0 (three-way tie at 0)
    await expectCircuitMatchesReference(tie, 'public', [
      [0, 3],
      [12, 7],
      [12, 0],
      [5, 0],
    ]);
    const ref = await Promise.all(
      [
        [0, 3],
        [5, 0],
      ].map((p) => referenceInference(tie, p)),
    );
    expect(ref.map((r) => r.prediction)).toEqual([1, 0]);
  });

  it('rejects a pixel outside its bit width when computing the witness', async () => {
    const tiny = await loadModel('tiny');
    const circuit = await compileModelCircuit(tiny, { cacheDir });
    const input = modelInput(tiny, new Array<number>(16).fill(7));
    await expect(
      calculateWitness(circuit.wasmPath, { ...input, pixels: [256, ...new Array(15).fill(0)] }),
    ).rejects.toThrow();
    await expect(
      calculateWitness(circuit.wasmPath, { ...input, pixels: [-1, ...new Array(15).fill(0)] }),
    ).rejects.toThrow();
  });

  it('emits long dense sums as short += lines', () => {
    const { source } = generateCircom({
      format: 'tender-mlp-v1',
      name: 'wide',
      input: { shape: [100], bits: 8 },
      layers: [
        {
          type: 'dense',
          inputs: 100,
          outputs: 2,
          weightBits: 4,
          biasBits: 4,
          weights: [new Array(100).fill(3), new Array(100).fill(-2)],
          bias: [1, 2],
          activation: 'none',
          shift: 0,
        },
      ],
      output: 'argmax',
    });
    const longest = Math.max(...source.split('\n').map((l) => (l.match(/pixels\[/g) ?? []).length));
    expect(longest).toBeLessThanOrEqual(8);
  });
});
