import { groth16 } from 'snarkjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BN254_BASE_FIELD, SNARK_SCALAR_FIELD, toPublicSignals, toSolidityProof } from './calldata.ts';
import { InvalidProofError } from './InvalidProofError.ts';
import { type ProveResult, Prover } from './prove.ts';
import { buildMultiplier, scratchDir } from './testFixtures.ts';
import type { Groth16Proof } from './types.ts';
import { terminateCurves, verifyProof } from './verify.ts';

let dir: string;
let cleanup: () => Promise<void>;
let circuit: Awaited<ReturnType<typeof buildMultiplier>>;
let other: Awaited<ReturnType<typeof buildMultiplier>>;
let good: ProveResult;

// An on-curve point of the G2 twist that is NOT in the order-r subgroup (x = 2 + i).
const twistPointOutsideG2 = [
  ['2', '1'],
  [
    '7292567877523311580221095596750716176434782432868683424513645834767876293070',
    '19659275751359636165940301690575149581329631496732780143538578556285923319774',
  ],
  ['1', '0'],
];

beforeAll(async () => {
  ({ dir, cleanup } = await scratchDir('verify'));
  circuit = await buildMultiplier(dir);
  other = await buildMultiplier(dir, 'another phase-2 contribution');
  const prover = new Prover();
  try {
    good = await prover.prove(circuit, { a: 3, b: [4, 5], c: 6 });
  } finally {
    await prover.close();
  }
});
afterAll(async () => {
  await terminateCurves();
  await cleanup();
});

async function reason(publicSignals: readonly string[], proof: Groth16Proof, vkey = circuit.vkey) {
  const error = await verifyProof(vkey, publicSignals, proof).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidProofError);
  expect((error as InvalidProofError).code).toBe('TENDER_PROOF_INVALID');
  return (error as InvalidProofError).reason;
}

const bump = (v: string, by = 1n) => ((BigInt(v) + by) % BN254_BASE_FIELD).toString();
const clone = (p: Groth16Proof): Groth16Proof => JSON.parse(JSON.stringify(p));

describe('verifyProof', () => {
  it('resolves for a valid proof', async () => {
    await expect(verifyProof(circuit.vkey, good.publicSignals, good.proof)).resolves.toBeUndefined();
  });

  it.each([
    ['pi_a', 0, 'pi_a is not on the curve'],
    ['pi_a', 1, 'pi_a is not on the curve'],
    ['pi_c', 0, 'pi_c is not on the curve'],
    ['pi_c', 1, 'pi_c is not on the curve'],
  ] as const)('rejects %s with coordinate %i changed, as snarkjs does', async (key, i, expected) => {
    const proof = clone(good.proof);
    (proof[key] as string[])[i] = bump(proof[key][i]!);
    expect(await reason(good.publicSignals, proof)).toBe(expected);
    expect(await groth16.verify(circuit.vkey, good.publicSignals, proof)).toBe(false);
  });

  it.each([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ])('rejects pi_b with coordinate [%i][%i] changed, as snarkjs does', async (i, j) => {
    const proof = clone(good.proof);
    (proof.pi_b[i] as string[])[j] = bump(proof.pi_b[i]![j]!);
    expect(await reason(good.publicSignals, proof)).toBe('pi_b is not on the curve');
    expect(await groth16.verify(circuit.vkey, good.publicSignals, proof)).toBe(false);
  });

  it.each([0, 1, 2, 3])('rejects the proof when public signal %i is changed, as snarkjs does', async (i) => {
    const signals = [...good.publicSignals];
    signals[i] = bump(signals[i]!);
    expect(await reason(signals, good.proof)).toBe('pairing check failed');
    expect(await groth16.verify(circuit.vkey, signals, good.proof)).toBe(false);
  });

  it('rejects valid curve points that are not the proof (A and C swapped)', async () => {
    const proof = { ...clone(good.proof), pi_a: good.proof.pi_c, pi_c: good.proof.pi_a };
    expect(await reason(good.publicSignals, proof)).toBe('pairing check failed');
  });

  it('rejects the proof against another circuit setup (different verification key)', async () => {
    expect(await reason(good.publicSignals, good.proof, other.vkey)).toBe('pairing check failed');
  });

  it('rejects a public signal at the scalar field modulus, as snarkjs does', async () => {
    const signals = [...good.publicSignals];
    signals[1] = (BigInt(signals[1]!) + SNARK_SCALAR_FIELD).toString();
    expect(await reason(signals, good.proof)).toBe('publicSignals[1] is not below the scalar field modulus');
    expect(await groth16.verify(circuit.vkey, signals, good.proof)).toBe(false);
  });

  it('rejects a wrong number of public signals', async () => {
    expect(await reason(good.publicSignals.slice(1), good.proof)).toBe('expected 4 public signal(s), got 3');
  });

  it('rejects a coordinate written as x + p, which snarkjs would silently reduce but the EVM rejects', async () => {
    const proof = clone(good.proof);
    (proof.pi_a as string[])[0] = (BigInt(proof.pi_a[0]!) + BN254_BASE_FIELD).toString();
    expect(await reason(good.publicSignals, proof)).toBe('pi_a.x is not below the base field modulus');
  });

  it('rejects a B on the twist but outside the G2 subgroup', async () => {
    const proof = { ...clone(good.proof), pi_b: twistPointOutsideG2 };
    expect(await reason(good.publicSignals, proof)).toBe('pi_b is not in the G2 subgroup');
    expect(await groth16.verify(circuit.vkey, good.publicSignals, proof)).toBe(false);
  });

  it('rejects a malformed proof object without crashing', async () => {
    const proof = { ...clone(good.proof), pi_c: ['12', 'not a number', '1'] };
    expect(await reason(good.publicSignals, proof)).toBe('pi_c.y is not a decimal integer');
  });
});

describe('calldata of a real proof', () => {
  it('matches the calldata snarkjs exports for its Solidity verifier', async () => {
    const exported = JSON.parse(
      `[${await groth16.exportSolidityCallData(good.proof, good.publicSignals)}]`,
    ) as [string[], string[][], string[], string[]];
    const [a, b, c, signals] = exported;
    const sol = toSolidityProof(good.proof);
    expect(sol.a.map(String)).toEqual(a.map((x) => BigInt(x).toString()));
    expect(sol.b.map((row) => row.map(String))).toEqual(b.map((row) => row.map((x) => BigInt(x).toString())));
    expect(sol.c.map(String)).toEqual(c.map((x) => BigInt(x).toString()));
    expect(toPublicSignals(good.publicSignals).map(String)).toEqual(signals.map((x) => BigInt(x).toString()));
  });
});
