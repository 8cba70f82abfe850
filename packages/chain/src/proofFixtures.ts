import { join } from 'node:path';
import {
  compileCircuit,
  devPtau,
  Prover,
  type SolidityProof,
  type SolidityVerifyingKey,
  setupGroth16,
  toPublicSignals,
  toSolidityProof,
  toSolidityVerifyingKey,
  type VerificationKey,
} from '@tender/zk';
import { type Hex, keccak256, stringToHex } from 'viem';
import { contractsDir, repoRoot } from './paths.ts';

/** A fixture circuit of contracts/test/fixtures, compiled and set up on the dev pot12. Test/bench helper. */
export interface FixtureCircuit {
  name: FixtureName;
  circuitId: Hex;
  vkey: VerificationKey;
  vk: SolidityVerifyingKey;
  wasmPath: string;
  zkeyPath: string;
}

/** One real proof of a fixture circuit, in Solidity shape. */
export interface FixtureProof {
  proof: SolidityProof;
  publicSignals: bigint[];
}

/** `square`: y = x² + x (1 public signal). `product`: out = a·b + c, public c (2 public signals). */
export type FixtureName = 'square' | 'product';

const cacheRoot = join(repoRoot, '.tender', 'cache', 'chain');

/**
 * Compiles and sets up a fixture circuit (cached under `.tender/cache/chain/<label>/`, so later runs
 * reuse the zkey). `label` keeps concurrently running test files out of each other's folders.
 */
export async function buildFixtureCircuit(name: FixtureName, label: string): Promise<FixtureCircuit> {
  const dir = join(cacheRoot, label, name);
  const compiled = await compileCircuit({
    source: join(contractsDir, 'test', 'fixtures', `${name}.circom`),
    outDir: join(dir, 'build'),
  });
  const ptau = devPtau(12);
  const setup = await setupGroth16({
    r1csPath: compiled.r1csPath,
    ptauPath: ptau.path,
    ptauSha256: ptau.sha256,
    outDir: join(dir, 'setup'),
    entropy: `tender-chain-fixture-${name}`,
  });
  return {
    name,
    // A test id; real circuits use @tender/zk's circuitIdOf over the artifact hashes.
    circuitId: keccak256(stringToHex(`tender.fixture.${name}`)),
    vkey: setup.vkey,
    vk: toSolidityVerifyingKey(setup.vkey),
    wasmPath: compiled.wasmPath,
    zkeyPath: setup.zkeyPath,
  };
}

/** The circuit input for the i-th fixture proof (distinct public signals per i). */
export function fixtureInput(name: FixtureName, i: number): Record<string, number> {
  return name === 'square' ? { x: i + 2 } : { a: i + 3, b: 7, c: 11 + i };
}

/** Proves `count` distinct fixture statements with a real snarkjs prover (one worker thread). */
export async function proveFixtures(
  circuit: FixtureCircuit,
  count: number,
  from = 0,
): Promise<FixtureProof[]> {
  const prover = new Prover({ threads: 1 });
  try {
    const out: FixtureProof[] = [];
    for (let i = from; i < from + count; i++) {
      const r = await prover.prove(
        { wasmPath: circuit.wasmPath, zkeyPath: circuit.zkeyPath },
        fixtureInput(circuit.name, i),
      );
      out.push({ proof: toSolidityProof(r.proof), publicSignals: toPublicSignals(r.publicSignals) });
    }
    return out;
  } finally {
    await prover.close();
  }
}
