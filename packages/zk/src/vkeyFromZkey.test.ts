import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMultiplier, scratchDir } from './testFixtures.ts';
import type { VerificationKey } from './types.ts';
import { terminateCurves } from './verify.ts';
import { sameVerificationKey, vkeyFromZkey } from './vkeyFromZkey.ts';

let dir: { dir: string; cleanup: () => Promise<void> };
let built: Awaited<ReturnType<typeof buildMultiplier>>;
beforeAll(async () => {
  dir = await scratchDir('vkey-from-zkey');
  built = await buildMultiplier(dir.dir);
}, 120_000);
afterAll(async () => {
  await terminateCurves();
  await dir?.cleanup();
});

describe('vkeyFromZkey', () => {
  it('exports the verification key the ceremony wrote beside the zkey', async () => {
    const vkey = await vkeyFromZkey(built.zkeyPath);
    expect(sameVerificationKey(vkey, built.vkey)).toBe(true);
    expect(vkey.nPublic).toBe(built.vkey.nPublic);
  });

  it('refuses a file that is not a zkey', async () => {
    const bogus = path.join(dir.dir, 'bogus.zkey');
    await writeFile(bogus, 'not a zkey at all');
    await expect(vkeyFromZkey(bogus)).rejects.toMatchObject({ code: 'TENDER_ARTIFACT_INVALID' });
  });
});

describe('sameVerificationKey', () => {
  it('tells apart keys that differ in one point, in the signal count or are malformed', () => {
    const vk = built.vkey;
    const otherDelta: VerificationKey = { ...vk, vk_delta_2: vk.vk_gamma_2 };
    expect(sameVerificationKey(vk, otherDelta)).toBe(false);
    expect(sameVerificationKey(vk, { ...vk, nPublic: vk.nPublic + 1 })).toBe(false);
    expect(sameVerificationKey(vk, { ...vk, IC: vk.IC.slice(1) })).toBe(false);
    expect(sameVerificationKey(vk, { ...vk, vk_alpha_1: ['x', 'y', '1'] })).toBe(false);
    expect(sameVerificationKey(vk, JSON.parse(JSON.stringify(vk)))).toBe(true);
  });
});
