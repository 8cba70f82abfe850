import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertZkeyMatchesR1cs, parseR1cs, parseZkey } from './artifactLayout.ts';
import { checkCircuitArtifacts } from './checkArtifacts.ts';
import { buildMultiplier, scratchDir } from './testFixtures.ts';
import { terminateCurves } from './verify.ts';

let dir: { dir: string; cleanup: () => Promise<void> };
let built: Awaited<ReturnType<typeof buildMultiplier>>;
beforeAll(async () => {
  dir = await scratchDir('check-artifacts');
  built = await buildMultiplier(dir.dir);
}, 300_000);
afterAll(async () => {
  await terminateCurves();
  await dir?.cleanup();
});

const files = () => ({
  wasmPath: built.wasmPath,
  zkeyPath: built.zkeyPath,
  r1csPath: built.r1csPath,
  vkey: built.vkey,
  inputSignals: built.inputSignals,
});
const sample = { a: 3, b: [4, 5], c: 6 };

describe('parseZkey / parseR1cs / assertZkeyMatchesR1cs', () => {
  it('reads a zkey and its r1cs completely and finds them matching', async () => {
    const zkey = parseZkey(await readFile(built.zkeyPath));
    const r1cs = parseR1cs(await readFile(built.r1csPath));
    expect(zkey.nVars).toBe(r1cs.nWires);
    expect(() => assertZkeyMatchesR1cs(zkey, r1cs)).not.toThrow();
  });

  it('refuses a zkey or r1cs cut short or with bytes added, at any length', async () => {
    const zkey = await readFile(built.zkeyPath);
    const r1cs = await readFile(built.r1csPath);
    for (const n of [0, 11, 100, zkey.length >> 1, zkey.length - 1]) {
      expect(() => parseZkey(zkey.subarray(0, n)), `zkey ${n}`).toThrow(
        expect.objectContaining({ details: expect.objectContaining({ kind: 'zkey', check: 'structure' }) }),
      );
    }
    expect(() => parseZkey(Buffer.concat([zkey, Buffer.alloc(1)]))).toThrow(/after the last section/);
    for (const n of [12, r1cs.length >> 1, r1cs.length - 1]) {
      expect(() => parseR1cs(r1cs.subarray(0, n)), `r1cs ${n}`).toThrow(
        expect.objectContaining({ details: expect.objectContaining({ kind: 'r1cs', check: 'structure' }) }),
      );
    }
  });

  it('refuses a zkey whose coefficients differ from the r1cs by one value', async () => {
    const zkey = parseZkey(await readFile(built.zkeyPath));
    const r1cs = parseR1cs(await readFile(built.r1csPath));
    const bent = Buffer.from(zkey.coefficients);
    bent[12] = (bent[12]! + 1) & 0xff; // first coefficient's value
    expect(() => assertZkeyMatchesR1cs({ ...zkey, coefficients: bent }, r1cs)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ check: 'r1cs_match', coefficient: 0 }) }),
    );
  });
});

describe('checkCircuitArtifacts', () => {
  it('passes sound artifacts with a sample input, proving and verifying once', async () => {
    const report = await checkCircuitArtifacts(files(), { sampleInput: sample });
    expect(report.proveMs).toBeGreaterThan(0);
    expect(report.sampleInput).toEqual(sample);
  }, 120_000);

  it('names the wasm when all-zero inputs break a circuit assertion, and the sample input when it is the one refused', async () => {
    // The multiplier asserts a != 0, so the default all-zero sample fails.
    await expect(checkCircuitArtifacts(files())).rejects.toMatchObject({
      code: 'TENDER_ARTIFACT_INVALID',
      details: { kind: 'wasm', check: 'witness' },
    });
    await expect(checkCircuitArtifacts(files(), { sampleInput: { ...sample, a: 0 } })).rejects.toMatchObject({
      details: { kind: 'sampleInput', check: 'witness' },
    });
  }, 120_000);

  it('refuses a verification key of another setup of the same circuit', async () => {
    const other = await buildMultiplier(path.join(dir.dir, 'other'), 'another contribution');
    await expect(
      checkCircuitArtifacts({ ...files(), vkey: other.vkey }, { sampleInput: sample }),
    ).rejects.toMatchObject({ details: { kind: 'vkey', check: 'vkey_match' } });
    // …and the other setup's zkey with this vkey: the zkey matches the r1cs, the key does not.
    await expect(
      checkCircuitArtifacts({ ...files(), zkeyPath: other.zkeyPath }, { sampleInput: sample }),
    ).rejects.toMatchObject({ details: { kind: 'vkey', check: 'vkey_match' } });
  }, 300_000);

  it('refuses a zkey with a corrupted proving-key point that the proof uses', async () => {
    const bytes = Buffer.from(await readFile(built.zkeyPath));
    let pos = 12;
    for (let i = 0; i < bytes.readUInt32LE(8); i++) {
      const size = Number(bytes.readBigUInt64LE(pos + 4));
      if (bytes.readUInt32LE(pos) === 9) bytes.fill(7, pos + 12, pos + 12 + 64); // first H point
      pos += 12 + size;
    }
    const bent = path.join(dir.dir, 'bent.zkey');
    await writeFile(bent, bytes);
    await expect(
      checkCircuitArtifacts({ ...files(), zkeyPath: bent }, { sampleInput: sample }),
    ).rejects.toMatchObject({ details: { kind: 'zkey', check: 'proof' } });
  }, 120_000);
});
