import { buildBuiltinCircuit, modelInput } from '@tender/circuits';
import { type ProveResult, Prover, terminateCurves, type VerificationKey, verifyProof } from '@tender/zk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Groth16VerificationKey, SNARK_SCALAR_FIELD, verifyGroth16 } from './groth16Verify.ts';

// The SDK's pure-JS verifier must agree with snarkjs on real proofs, and refuse every tampering.
let vkey: VerificationKey;
let proofs: ProveResult[];

beforeAll(async () => {
  const circuit = await buildBuiltinCircuit('tiny');
  vkey = circuit.vkey;
  const pixelsOf = (i: number) => Array.from({ length: 16 }, (_, p) => (p * 37 + i * 101) % 256);
  const prover = new Prover({ threads: 1 });
  try {
    proofs = [];
    for (let i = 0; i < 2; i++) {
      proofs.push(
        await prover.prove(
          { wasmPath: circuit.wasmPath, zkeyPath: circuit.zkeyPath },
          modelInput(circuit.model, pixelsOf(i), { salt: BigInt(i + 1) }),
        ),
      );
    }
  } finally {
    await prover.close();
  }
});

afterAll(() => terminateCurves());

const vk = () => vkey as unknown as Groth16VerificationKey;

describe('verifyGroth16', () => {
  it('accepts real snarkjs proofs, as snarkjs does', async () => {
    for (const { proof, publicSignals } of proofs) {
      await expect(verifyProof(vkey, publicSignals, proof)).resolves.toBeUndefined();
      expect(publicSignals.length).toBeGreaterThan(1);
      expect(verifyGroth16(vk(), proof, publicSignals)).toBe(true);
    }
  });

  it('refuses a proof with another statement’s public signals', () => {
    const [first, second] = proofs as [ProveResult, ProveResult];
    expect(verifyGroth16(vk(), first.proof, second.publicSignals)).toBe(false);
  });

  it('refuses a proof whose points were swapped or moved', () => {
    const { proof, publicSignals } = proofs[0] as ProveResult;
    const other = (proofs[1] as ProveResult).proof;
    expect(verifyGroth16(vk(), { ...proof, pi_a: other.pi_a }, publicSignals)).toBe(false);
    expect(verifyGroth16(vk(), { ...proof, pi_c: other.pi_c }, publicSignals)).toBe(false);
    const offCurve = [proof.pi_a[0] as string, (BigInt(proof.pi_a[1] as string) + 1n).toString(), '1'];
    expect(verifyGroth16(vk(), { ...proof, pi_a: offCurve }, publicSignals)).toBe(false);
  });

  it('refuses signals at or above the scalar field, and a wrong signal count', () => {
    const { proof, publicSignals } = proofs[0] as ProveResult;
    const wrapped = publicSignals.map((s, i) => (i === 0 ? (BigInt(s) + SNARK_SCALAR_FIELD).toString() : s));
    expect(verifyGroth16(vk(), proof, wrapped)).toBe(false);
    expect(verifyGroth16(vk(), proof, publicSignals.slice(1))).toBe(false);
    expect(verifyGroth16(vk(), proof, ['x', ...publicSignals.slice(1)])).toBe(false);
  });
});
