import { buildBn128 } from 'ffjavascript';
import { groth16 } from 'snarkjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchItem, batchVerify } from './batchVerify.ts';
import { BN254_BASE_FIELD } from './calldata.ts';
import { Prover } from './prove.ts';
import { buildMultiplier, scratchDir } from './testFixtures.ts';
import type { Groth16Proof } from './types.ts';
import { terminateCurves } from './verify.ts';

let dir: string;
let cleanup: () => Promise<void>;
let mulA: Awaited<ReturnType<typeof buildMultiplier>>;
let mulB: Awaited<ReturnType<typeof buildMultiplier>>;
let batchA: BatchItem[];
let batchB: BatchItem[];

beforeAll(async () => {
  ({ dir, cleanup } = await scratchDir('batch'));
  mulA = await buildMultiplier(dir, 'circuit A');
  mulB = await buildMultiplier(dir, 'circuit B');
  const prover = new Prover();
  try {
    batchA = [];
    for (let i = 0; i < 32; i++) {
      const r = await prover.prove(mulA, { a: i + 1, b: [i, 7], c: 100 + i });
      batchA.push({ vkey: mulA.vkey, publicSignals: r.publicSignals, proof: r.proof });
    }
    batchB = [];
    for (let i = 0; i < 4; i++) {
      const r = await prover.prove(mulB, { a: 9, b: [i, i], c: i });
      batchB.push({ vkey: mulB.vkey, publicSignals: r.publicSignals, proof: r.proof });
    }
  } finally {
    await prover.close();
  }
});
afterAll(async () => {
  await terminateCurves();
  await cleanup();
});

const clone = (p: Groth16Proof): Groth16Proof => JSON.parse(JSON.stringify(p));

describe('batchVerify', () => {
  it('accepts 32 valid proofs with one check', async () => {
    expect(await batchVerify(batchA)).toEqual({ ok: true });
  });

  it('accepts an empty batch', async () => {
    expect(await batchVerify([])).toEqual({ ok: true });
  });

  it('finds the one bad proof among 32 by bisection', async () => {
    const items = [...batchA];
    const signals = [...items[13]!.publicSignals];
    signals[0] = (BigInt(signals[0]!) + 1n).toString(); // claims a wrong output
    items[13] = { ...items[13]!, publicSignals: signals };
    expect(await batchVerify(items)).toEqual({ ok: false, invalid: [13] });
  });

  it('finds several bad proofs, including a valid proof submitted with another proof’s signals', async () => {
    const items = [...batchA];
    items[0] = { ...items[0]!, publicSignals: items[1]!.publicSignals };
    items[31] = { ...items[31]!, proof: items[30]!.proof };
    items[17] = { ...items[17]!, vkey: mulB.vkey };
    expect(await batchVerify(items)).toEqual({ ok: false, invalid: [0, 17, 31] });
  });

  it('verifies a batch that mixes circuits (verification keys)', async () => {
    const items = [batchB[0]!, ...batchA.slice(0, 6), batchB[1]!, batchB[2]!, batchA[7]!, batchB[3]!];
    expect(await batchVerify(items)).toEqual({ ok: true });
    items[4] = { ...items[4]!, vkey: mulB.vkey };
    expect(await batchVerify(items)).toEqual({ ok: false, invalid: [4] });
  });

  it('reports malformed items invalid without a pairing and without throwing', async () => {
    const items: BatchItem[] = [
      batchA[0]!,
      { ...batchA[1]!, proof: { ...clone(batchA[1]!.proof), pi_a: ['1', 'x', '1'] } },
      { ...batchA[2]!, publicSignals: batchA[2]!.publicSignals.slice(1) },
      { ...batchA[3]!, vkey: { ...mulA.vkey, IC: [] } },
      batchA[4]!,
    ];
    expect(await batchVerify(items)).toEqual({ ok: false, invalid: [1, 2, 3] });
  });

  it('catches two bad proofs whose errors cancel out when all coefficients are 1', async () => {
    // Shift C by +D in one proof and by −D in another: Σ C_i is unchanged, so an unweighted sum of the
    // verification equations would pass. Random per-proof coefficients make the two errors not cancel.
    const curve = await buildBn128(true);
    const G1 = curve.G1;
    const point = (p: Groth16Proof) => G1.fromObject([BigInt(p.pi_c[0]!), BigInt(p.pi_c[1]!), 1n]);
    const D = G1.timesScalar(G1.fromObject([1n, 2n, 1n]), 123456789n);
    const shifted = (p: Groth16Proof, delta: Uint8Array): Groth16Proof => {
      const [x, y] = G1.toObject(G1.toAffine(G1.add(point(p), delta))) as bigint[];
      return { ...clone(p), pi_c: [x!.toString(), y!.toString(), '1'] };
    };
    const items = batchA.slice(0, 8);
    items[2] = { ...items[2]!, proof: shifted(items[2]!.proof, D) };
    items[5] = { ...items[5]!, proof: shifted(items[5]!.proof, G1.neg(D)) };
    expect(await batchVerify(items)).toEqual({ ok: false, invalid: [2, 5] });
  });

  it('gives the same verdict as snarkjs groth16.verify on every item of a mixed batch', async () => {
    const items: BatchItem[] = [...batchA.slice(0, 10), ...batchB];
    const tamper = (i: number, f: (it: BatchItem) => BatchItem) => {
      items[i] = f(items[i]!);
    };
    tamper(1, (it) => ({ ...it, publicSignals: [...it.publicSignals].reverse() }));
    tamper(4, (it) => {
      const proof = clone(it.proof);
      (proof.pi_b[0] as string[])[1] = ((BigInt(proof.pi_b[0]![1]!) + 1n) % BN254_BASE_FIELD).toString();
      return { ...it, proof };
    });
    tamper(7, (it) => ({ ...it, proof: { ...clone(it.proof), pi_a: it.proof.pi_c, pi_c: it.proof.pi_a } }));
    tamper(11, (it) => ({ ...it, vkey: mulA.vkey }));
    const snarkjsInvalid: number[] = [];
    for (const [i, it] of items.entries()) {
      if (!(await groth16.verify(it.vkey, it.publicSignals, it.proof))) snarkjsInvalid.push(i);
    }
    expect(snarkjsInvalid).toEqual([1, 4, 7, 11]);
    expect(await batchVerify(items)).toEqual({ ok: false, invalid: snarkjsInvalid });
  });
});
