import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ceremonyPtau, sha256Hex } from './ceremonyPtau.ts';

const sha = 'AB'.repeat(32);
const thisFile = fileURLToPath(import.meta.url);

describe('ceremonyPtau', () => {
  it('is unset when neither variable is set (the development files are used)', () => {
    expect(ceremonyPtau(undefined, undefined)).toBeUndefined();
  });

  it('refuses a file without its sha256, a sha256 without a file, and a missing file', () => {
    expect(() => ceremonyPtau(thisFile, undefined)).toThrow(/^TENDER_PTAU_SHA256: required/);
    expect(() => ceremonyPtau(undefined, sha)).toThrow(/^TENDER_PTAU_FILE: required/);
    expect(() => ceremonyPtau('/nonexistent/pot20.ptau', sha)).toThrow(/^TENDER_PTAU_FILE: no such file/);
  });

  it('gives the file and its lower-case sha256 when both are set', () => {
    expect(ceremonyPtau(thisFile, sha256Hex.parse(`0x${sha}`))).toEqual({
      path: thisFile,
      sha256: 'ab'.repeat(32),
    });
    expect(sha256Hex.safeParse('abc').success).toBe(false);
  });
});
