import { calculateWitness } from '@tender/zk';
import { describe, expect, it } from 'vitest';
import { compileBaselineCircuit } from './baselineCircom.ts';
import { loadModel } from './builtinCircuits.ts';
import { modelInput } from './modelInput.ts';
import { circuitsCacheDir } from './paths.ts';
import { infer } from './reference.ts';

describe('compileBaselineCircuit', () => {
  it('builds the common-construction circuit of the tiny model, which predicts what the reference does', async () => {
    const tiny = await loadModel('tiny');
    const baseline = await compileBaselineCircuit(tiny, { cacheDir: `${circuitsCacheDir}-test` });
    // 16·8 + 8·4 multiplications, then 254-bit ReLU and rescale decompositions and 252-bit comparisons
    expect(baseline.constraints).toBeGreaterThan(16 * 8 + 8 * 4 + 8 * 2 * 254);
    expect(baseline.publicSignalNames).toEqual(['prediction']);
    for (let s = 0; s < 6; s++) {
      const pixels = Array.from({ length: 16 }, (_, i) => (i * 37 + s * 101) % 256);
      const { salt: _salt, ...input } = modelInput(tiny, pixels, { mode: 'private' });
      const witness = await calculateWitness(baseline.wasmPath, input);
      expect(witness[1]).toBe(BigInt(infer(tiny, pixels).prediction));
    }
  });
});
