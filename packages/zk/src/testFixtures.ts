import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { type SetupResult, setupGroth16 } from './ceremony.ts';
import { type CompiledCircuit, compileCircuit } from './compile.ts';
import { repoRoot, zkCacheDir } from './paths.ts';
import { devPtau } from './ptau.ts';

// Test helpers shared by this package's test files (not exported from the package).

/** The tiny fixture circuit: `out = a*b[0] + b[1]*c` with `a != 0`; a private, b[2] and c public. */
export const multiplierSource: string = path.join(repoRoot, 'packages/zk/src/fixtures/multiplier.circom');

/** A fresh, uniquely named scratch folder under the zk cache, with a cleanup function. */
export async function scratchDir(label: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = path.join(zkCacheDir, 'test', `${label}-${process.pid}-${Date.now()}`);
  await mkdir(dir, { recursive: true });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The multiplier compiled and set up (pot12) inside `dir`; `entropy` picks the phase-2 contribution. */
export async function buildMultiplier(
  dir: string,
  entropy = 'tender zk tests',
): Promise<CompiledCircuit & SetupResult> {
  const compiled = await compileCircuit({ source: multiplierSource, outDir: path.join(dir, 'multiplier') });
  const ptau = devPtau(12);
  const setup = await setupGroth16({
    r1csPath: compiled.r1csPath,
    ptauPath: ptau.path,
    ptauSha256: ptau.sha256,
    outDir: path.join(dir, 'setup'),
    entropy,
  });
  return { ...compiled, ...setup };
}
