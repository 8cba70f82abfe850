import { calculateWitness } from '@tender/zk';
import { describe, expect, it } from 'vitest';
import { compileModelCircuit } from './build.ts';
import { loadModel } from './builtinCircuits.ts';
import { CIRCOM_GADGETS } from './circomGadgets.ts';
import { compileCached } from './compileCached.ts';
import { modelInput } from './modelInput.ts';
import { circuitsCacheDir } from './paths.ts';
import { analyzeRanges } from './rangeAnalysis.ts';
import { infer } from './reference.ts';
import { readR1cs, readSymbols, violatedConstraints } from './testing/r1cs.ts';
import { POOLED } from './testing/randomModel.ts';

// Dishonest witnesses, checked directly against the R1CS: the witness generator
// only computes honest values, so soundness has to be tested on the constraints.
const cacheDir = `${circuitsCacheDir}-test`;

async function tinySetup() {
  const model = await loadModel('tiny');
  const circuit = await compileModelCircuit(model, { cacheDir });
  const r1cs = await readR1cs(circuit.r1csPath);
  const symbols = await readSymbols(circuit.symPath);
  const pixels = [200, 180, 10, 0, 190, 220, 5, 9, 30, 0, 40, 60, 0, 12, 50, 70];
  const witness = await calculateWitness(circuit.wasmPath, modelInput(model, pixels));
  return { model, r1cs, symbols, pixels, witness };
}

/** Little-endian bits of `v mod 2^n`. */
function bitsOf(v: bigint, n: number): bigint[] {
  const m = ((v % (1n << BigInt(n))) + (1n << BigInt(n))) % (1n << BigInt(n));
  return Array.from({ length: n }, (_, k) => (m >> BigInt(k)) & 1n);
}

describe('the generated constraints', () => {
  it('are satisfied by the honest witness', async () => {
    const { r1cs, witness } = await tinySetup();
    expect(witness.length).toBe(r1cs.nWires);
    expect(violatedConstraints(r1cs, witness)).toEqual([]);
  });

  it('reject a non-boolean bit in every decomposition (b[k] + 2, b[k+1] - 1 keeps the sum)', async () => {
    const { r1cs, symbols, witness } = await tinySetup();
    const bit = /^main\.(pixelBits\[\d+\]|relu\d+_\d+\.b|gap\d+)\.out\[(\d+)\]$/;
    let attacks = 0;
    for (const [name, w] of symbols) {
      const m = bit.exec(name);
      if (!m) continue;
      const next = symbols.get(`main.${m[1]}.out[${Number(m[2]) + 1}]`);
      if (next === undefined) continue;
      const forged = [...witness];
      forged[w] = (forged[w]! + 2n) % r1cs.prime;
      forged[next] = (forged[next]! - 1n + r1cs.prime) % r1cs.prime;
      expect(violatedConstraints(r1cs, forged).length, name).toBeGreaterThan(0);
      attacks++;
    }
    expect(attacks).toBeGreaterThan(150);
  });

  it('accept no other prediction than the argmax, even with the gaps re-decomposed', async () => {
    const { model, r1cs, symbols, pixels, witness } = await tinySetup();
    const { logits, prediction } = infer(model, pixels);
    const { diffBits } = analyzeRanges(model, 'public').argmax;
    const forge = (claim: number) => {
      const forged = [...witness];
      const set = (name: string, v: bigint) => {
        const w = symbols.get(`main.${name}`);
        if (w !== undefined) forged[w] = ((v % r1cs.prime) + r1cs.prime) % r1cs.prime;
      };
      set('prediction', BigInt(claim));
      logits.forEach((l, k) => {
        set(`sel[${k}]`, k === claim ? 1n : 0n);
        set(`selLogit[${k}]`, k === claim ? BigInt(l) : 0n);
        const gap = BigInt(logits[claim]! - l - (k < claim ? 1 : 0));
        bitsOf(gap, diffBits[k]!).forEach((b, i) => {
          set(`gap${k}.out[${i}]`, b);
        });
      });
      return forged;
    };
    // the forgery itself is built right: for the true class it rebuilds a satisfying witness
    expect(violatedConstraints(r1cs, forge(prediction))).toEqual([]);
    for (let claim = 0; claim < logits.length; claim++) {
      if (claim !== prediction)
        expect(violatedConstraints(r1cs, forge(claim)).length, `claim ${claim}`).toBeGreaterThan(0);
    }
  });

  it('bind the input: changing a pixel breaks the commitment or the range checks', async () => {
    const { r1cs, symbols, witness } = await tinySetup();
    for (let i = 0; i < 16; i++) {
      const forged = [...witness];
      const w = symbols.get(`main.pixels[${i}]`)!;
      forged[w] = forged[w]! + 1n;
      expect(violatedConstraints(r1cs, forged).length).toBeGreaterThan(0);
    }
  });
});

describe('the max-pool gadget', () => {
  it('accepts exactly out = max(a, b): every other (s, out, bits) assignment violates a constraint', async () => {
    const source = [
      'pragma circom 2.1.0;',
      CIRCOM_GADGETS,
      'component main {public [a, b]} = TenderMax(3);',
      '',
    ].join('\n');
    const circuit = await compileCached('tender-max-3', source, { cacheDir });
    const r1cs = await readR1cs(circuit.r1csPath);
    const symbols = await readSymbols(circuit.symPath);
    const wire = (name: string) => symbols.get(`main.${name}`);
    const p = r1cs.prime;
    // --O2 substitutes the top bit away (it is fixed by the others and the sum); the rest are wires
    const bitWires = [0, 1, 2].flatMap((k) => wire(`d.out[${k}]`) ?? []);
    expect(bitWires.length).toBeGreaterThanOrEqual(2);
    let accepted = 0;
    let rejected = 0;
    for (let a = -4; a <= 3; a++) {
      for (let b = -4; b <= 3; b++) {
        const honest = await calculateWitness(circuit.wasmPath, { a: String(a), b: String(b) });
        for (let out = -6; out <= 6; out++) {
          for (const s of [0n, 1n, 2n]) {
            for (let bits = 0; bits < 2 ** bitWires.length; bits++) {
              const w = [...honest];
              w[wire('out')!] = (BigInt(out) + p) % p;
              w[wire('s')!] = s;
              bitWires.forEach((b, k) => {
                w[b] = BigInt((bits >> k) & 1);
              });
              const ok = violatedConstraints(r1cs, w).length === 0;
              if (ok) {
                expect(out, `a=${a} b=${b}`).toBe(Math.max(a, b));
                accepted++;
              } else rejected++;
            }
          }
        }
      }
    }
    // one accepted assignment per pair (two when a = b: s is free)
    expect(accepted).toBe(64 + 8);
    expect(rejected).toBeGreaterThan(5_000);
  });

  it('rejects a non-boolean bit in the pooled CNN decompositions', async () => {
    const circuit = await compileModelCircuit(POOLED, { cacheDir });
    const r1cs = await readR1cs(circuit.r1csPath);
    const symbols = await readSymbols(circuit.symPath);
    const pixels = [1, 9, 3, 0, 15, 2, 7, 7, 0, 4, 11, 5, 6, 13, 8, 2];
    const witness = await calculateWitness(circuit.wasmPath, modelInput(POOLED, pixels));
    expect(violatedConstraints(r1cs, witness)).toEqual([]);
    const bit = /^main\.(relu\d+_\d+\.b|max\d+_\d+_\d+\.d|gap\d+)\.out\[(\d+)\]$/;
    let attacks = 0;
    for (const [name, w] of symbols) {
      const m = bit.exec(name);
      if (!m) continue;
      const next = symbols.get(`main.${m[1]}.out[${Number(m[2]) + 1}]`);
      if (next === undefined) continue;
      const forged = [...witness];
      forged[w] = (forged[w]! + 2n) % r1cs.prime;
      forged[next] = (forged[next]! - 1n + r1cs.prime) % r1cs.prime;
      expect(violatedConstraints(r1cs, forged).length, name).toBeGreaterThan(0);
      attacks++;
    }
    expect(attacks).toBeGreaterThan(40);
  });
});
