import { open } from 'node:fs/promises';
import { TenderError } from '@tender/core';
import { zKey } from 'snarkjs';
import { toSolidityVerifyingKey, vkeyHash } from './calldata.ts';
import type { VerificationKey } from './types.ts';

/**
 * Exports the verification key held in a Groth16 `.zkey` file (what
 * `snarkjs zkey export verificationkey` writes). Throws
 * `TENDER_ARTIFACT_INVALID` when the file is not a Groth16 zkey.
 *
 * snarkjs does this on its shared multi-threaded curve: call
 * `terminateCurves()` at shutdown.
 *
 * @example
 * const fromZkey = await vkeyFromZkey(upload.zkeyPath);
 * if (!sameVerificationKey(fromZkey, uploadedVkey)) throw …;
 */
export async function vkeyFromZkey(zkeyPath: string): Promise<VerificationKey> {
  // Checked first: snarkjs leaves the file open when it throws on a foreign file.
  const fh = await open(zkeyPath, 'r');
  const magic = Buffer.alloc(4);
  try {
    await fh.read(magic, 0, 4, 0);
  } finally {
    await fh.close();
  }
  if (magic.toString('latin1') !== 'zkey') {
    throw new TenderError('TENDER_ARTIFACT_INVALID', 'not a valid Groth16 zkey file', {
      details: { kind: 'zkey', reason: 'bad magic' },
    });
  }
  let vkey: VerificationKey;
  try {
    vkey = await zKey.exportVerificationKey(zkeyPath);
  } catch (cause) {
    throw new TenderError('TENDER_ARTIFACT_INVALID', 'not a valid Groth16 zkey file', {
      details: { kind: 'zkey', reason: String((cause as Error)?.message ?? cause).slice(0, 200) },
      cause,
    });
  }
  if (vkey?.protocol !== 'groth16' || !Array.isArray(vkey.IC)) {
    throw new TenderError('TENDER_ARTIFACT_INVALID', 'zkey is not a Groth16 proving key', {
      details: { kind: 'zkey', protocol: String(vkey?.protocol) },
    });
  }
  return vkey;
}

/**
 * True when two verification keys are the same key: same protocol, curve and
 * public-signal count, and the same points (compared in affine form, as the
 * contracts hash them, so projective encodings of one point match). A key that
 * cannot be read as points is never the same.
 */
export function sameVerificationKey(a: VerificationKey, b: VerificationKey): boolean {
  if (a.protocol !== b.protocol || a.curve !== b.curve || Number(a.nPublic) !== Number(b.nPublic)) {
    return false;
  }
  try {
    return vkeyHash(toSolidityVerifyingKey(a)) === vkeyHash(toSolidityVerifyingKey(b));
  } catch {
    return false;
  }
}
