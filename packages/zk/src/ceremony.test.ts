import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isTenderError } from '@tender/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from './artifacts.ts';
import { setupGroth16 } from './ceremony.ts';
import { type CompiledCircuit, compileCircuit } from './compile.ts';
import { repoRoot } from './paths.ts';
import { devPtau, devPtauDir } from './ptau.ts';
import { multiplierSource, scratchDir } from './testFixtures.ts';
import { terminateCurves } from './verify.ts';

let dir: string;
let cleanup: () => Promise<void>;
let compiled: CompiledCircuit;
beforeAll(async () => {
  ({ dir, cleanup } = await scratchDir('ceremony'));
  compiled = await compileCircuit({ source: multiplierSource, outDir: path.join(dir, 'multiplier') });
});
afterAll(async () => {
  await terminateCurves();
  await cleanup();
});

describe('devPtau', () => {
  it('points at the committed pot12 and pot15 files inside the package, whose sha256 match the pinned ones', async () => {
    for (const power of [12, 15] as const) {
      const { path: ptauPath, sha256 } = devPtau(power);
      expect(ptauPath).toBe(path.join(devPtauDir, `pot${power}.ptau`));
      expect(path.relative(repoRoot, ptauPath)).toBe(`packages/zk/ptau/pot${power}.ptau`);
      expect(await sha256File(ptauPath)).toBe(`0x${sha256}`);
    }
  });

  it('refuses a power that is not committed', () => {
    expect(() => devPtau(16 as 12)).toThrow(/no development ptau of power 16/);
  });
});

describe('setupGroth16', () => {
  it('creates a zkey and a verification key with one IC point per public signal plus one', async () => {
    const ptau = devPtau(12);
    const res = await setupGroth16({
      r1csPath: compiled.r1csPath,
      ptauPath: ptau.path,
      ptauSha256: ptau.sha256,
      outDir: path.join(dir, 'setup'),
      entropy: 'ceremony test',
    });
    expect(res.vkey.protocol).toBe('groth16');
    expect(res.vkey.curve).toBe('bn128');
    expect(res.vkey.nPublic).toBe(compiled.publicSignals);
    expect(res.vkey.IC).toHaveLength(compiled.publicSignals + 1);
    expect(await sha256File(res.zkeyPath)).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('reuses the cached result when the same setup runs again', async () => {
    const ptau = devPtau(12);
    const opts = {
      r1csPath: compiled.r1csPath,
      ptauPath: ptau.path,
      outDir: path.join(dir, 'setup'),
      entropy: 'ceremony test',
    };
    const first = await setupGroth16(opts);
    const started = performance.now();
    const second = await setupGroth16(opts);
    expect(performance.now() - started).toBeLessThan(200);
    expect(second.zkeyPath).toBe(first.zkeyPath);
    expect(second.vkey).toEqual(first.vkey);
  });

  it('gives a different key for different contribution entropy', async () => {
    const ptau = devPtau(12);
    const base = { r1csPath: compiled.r1csPath, ptauPath: ptau.path, outDir: path.join(dir, 'setup') };
    const a = await setupGroth16({ ...base, entropy: 'entropy a' });
    const b = await setupGroth16({ ...base, entropy: 'entropy b' });
    expect(a.vkey.vk_delta_2).not.toEqual(b.vkey.vk_delta_2);
    expect(a.vkey.vk_alpha_1).toEqual(b.vkey.vk_alpha_1); // alpha comes from the ptau, delta from phase 2
  });

  it('rejects a ptau whose sha256 does not match before using it', async () => {
    const error = await setupGroth16({
      r1csPath: compiled.r1csPath,
      ptauPath: devPtau(12).path,
      ptauSha256: devPtau(15).sha256,
      outDir: path.join(dir, 'setup-mismatch'),
    }).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_PTAU_MISMATCH')).toBe(true);
  });

  it('rejects a circuit too large for the ptau with TENDER_PTAU_TOO_SMALL', async () => {
    const source = path.join(dir, 'big.circom');
    await writeFile(
      source,
      `pragma circom 2.1.0;
template Chain(n) {
  signal input x;
  signal output y;
  signal s[n];
  s[0] <== x * x;
  for (var i = 1; i < n; i++) { s[i] <== s[i-1] * s[i-1]; }
  y <== s[n-1];
}
component main = Chain(4200);
`,
    );
    const big = await compileCircuit({ source, outDir: path.join(dir, 'big') });
    expect(big.constraints).toBeGreaterThan(4096);
    const ptau = devPtau(12);
    const error = await setupGroth16({
      r1csPath: big.r1csPath,
      ptauPath: ptau.path,
      ptauSha256: ptau.sha256,
      outDir: path.join(dir, 'setup-big'),
    }).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_PTAU_TOO_SMALL')).toBe(true);
    expect((error as { details: { needed: number } }).details.needed).toBe(13);
  });
});
