import { isTenderError } from '@tender/core';
import { calculateWitness, Prover, terminateCurves, verifyProof } from '@tender/zk';
import { afterAll, describe, expect, it } from 'vitest';
import { devPtauPowerFor } from './build.ts';
import { buildBuiltinCircuit } from './builtinCircuits.ts';
import { loadMnist } from './mnistData.ts';
import { decodePublicSignals, modelInput } from './modelInput.ts';
import { referenceInference } from './reference.ts';

const prover = new Prover();

afterAll(async () => {
  await prover.close();
  await terminateCurves();
});

describe('buildModelCircuit', () => {
  it('builds the tiny model on pot12, and a proof of it verifies with the reference outputs', async () => {
    const tiny = await buildBuiltinCircuit('tiny');
    expect(tiny.constraints).toBe(tiny.budget.total);
    expect(tiny.constraints).toBeLessThan(4096);
    expect(tiny.vkey.nPublic).toBe(2);
    const pixels = [0, 10, 250, 255, 3, 9, 200, 240, 1, 2, 30, 20, 0, 0, 17, 40];
    const { proof, publicSignals } = await prover.prove(tiny, modelInput(tiny.model, pixels, { salt: 42n }));
    await verifyProof(tiny.vkey, publicSignals, proof);
    const ref = await referenceInference(tiny.model, pixels, { salt: 42n });
    expect(decodePublicSignals('public', publicSignals)).toEqual({
      inputCommitment: ref.inputCommitment,
      prediction: ref.prediction,
    });
    expect(ref.prediction).toBe(1);
    // a proof does not carry over to another claimed prediction
    const forged = [publicSignals[0]!, String((ref.prediction + 1) % 4)];
    await expect(verifyProof(tiny.vkey, forged, proof)).rejects.toSatisfy((e) =>
      isTenderError(e, 'TENDER_PROOF_INVALID'),
    );
  });

  it('builds the private-weight tiny model, whose proof outputs the model commitment', async () => {
    const circuit = await buildBuiltinCircuit('tiny-private');
    expect(circuit.mode).toBe('private');
    expect(circuit.constraints).toBe(circuit.budget.total);
    const pixels = Array.from({ length: 16 }, (_, i) => (i * 53) % 256);
    const { proof, publicSignals } = await prover.prove(
      circuit,
      modelInput(circuit.model, pixels, { mode: 'private' }),
    );
    await verifyProof(circuit.vkey, publicSignals, proof);
    const ref = await referenceInference(circuit.model, pixels);
    expect(decodePublicSignals('private', publicSignals)).toEqual({
      inputCommitment: ref.inputCommitment,
      prediction: ref.prediction,
      modelCommitment: ref.modelCommitment,
    });
    expect(circuit.card.modelCommitment).toBe(ref.modelCommitment.toString());
  });

  it('builds the MNIST circuit within 9,000 constraints, and its witness classifies held-out digits as the reference', {
    timeout: 1_200_000, // the first MNIST build: ~2 min idle, several times that under the full suite
  }, async () => {
    const mnist = await buildBuiltinCircuit('mnist');
    expect(mnist.constraints).toBe(mnist.budget.total);
    expect(mnist.constraints).toBeLessThanOrEqual(9000);
    expect(mnist.publicSignalNames).toEqual(['inputCommitment', 'prediction']);
    expect(devPtauPowerFor(mnist.constraints, mnist.publicSignals)).toBe(15);
    const { test } = loadMnist();
    for (const digit of [test[0]!, test[1000]!, test[test.length - 1]!]) {
      const witness = await calculateWitness(mnist.wasmPath, modelInput(mnist.model, digit.pixels));
      const ref = await referenceInference(mnist.model, Array.from(digit.pixels));
      expect(witness.slice(1, 3)).toEqual([ref.inputCommitment, BigInt(ref.prediction)]);
    }
  });

  it('refuses a model too large for the largest development ptau', () => {
    expect(devPtauPowerFor(4000, 2)).toBe(12);
    expect(devPtauPowerFor(8578, 2)).toBe(15);
    try {
      devPtauPowerFor(89_934, 1);
      throw new Error('accepted');
    } catch (error) {
      expect(isTenderError(error, 'TENDER_MODEL_UNSUPPORTED')).toBe(true);
    }
  });
});
