import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { TenderError } from '@tender/core';

/** A sha256 digest as 0x-prefixed lowercase hex (32 bytes). */
export type Sha256Hex = `0x${string}`;

/**
 * sha256 of a file's bytes, streamed (zkeys can be hundreds of MB).
 *
 * @example
 * const wasmSha256 = await sha256File(compiled.wasmPath);
 */
export async function sha256File(path: string): Promise<Sha256Hex> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `0x${hash.digest('hex')}`;
}

/** sha256 of in-memory bytes or a UTF-8 string, as 0x-prefixed hex. */
export function sha256Bytes(data: Uint8Array | string): Sha256Hex {
  return `0x${createHash('sha256').update(data).digest('hex')}`;
}

function hexBytes(value: string, what: string): Buffer {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new TenderError('TENDER_VALIDATION_FAILED', `${what} is not a 0x-prefixed 32-byte hex digest`, {
      details: { what, value },
    });
  }
  return Buffer.from(value.slice(2), 'hex');
}

/**
 * The circuit id (bytes32): `sha256(wasmSha256 ‖ zkeySha256 ‖ vkeySha256)` over
 * the three raw 32-byte digests. Any change to witness generator, proving key
 * or verification key gives a new id.
 *
 * @example
 * const id = circuitIdOf({ wasmSha256, zkeySha256, vkeySha256 });
 */
export function circuitIdOf(hashes: {
  wasmSha256: string;
  zkeySha256: string;
  vkeySha256: string;
}): Sha256Hex {
  const bytes = Buffer.concat([
    hexBytes(hashes.wasmSha256, 'wasmSha256'),
    hexBytes(hashes.zkeySha256, 'zkeySha256'),
    hexBytes(hashes.vkeySha256, 'vkeySha256'),
  ]);
  return sha256Bytes(bytes);
}

/** The content hashes of a circuit's three artifacts and the id derived from them. */
export interface ArtifactHashes {
  wasmSha256: Sha256Hex;
  zkeySha256: Sha256Hex;
  vkeySha256: Sha256Hex;
  circuitId: Sha256Hex;
}

/**
 * Hashes a circuit's witness wasm, zkey and verification-key JSON file and
 * derives its circuit id with {@link circuitIdOf}.
 */
export async function hashArtifacts(paths: {
  wasmPath: string;
  zkeyPath: string;
  vkeyPath: string;
}): Promise<ArtifactHashes> {
  const [wasmSha256, zkeySha256, vkeySha256] = await Promise.all([
    sha256File(paths.wasmPath),
    sha256File(paths.zkeyPath),
    sha256File(paths.vkeyPath),
  ]);
  return {
    wasmSha256,
    zkeySha256,
    vkeySha256,
    circuitId: circuitIdOf({ wasmSha256, zkeySha256, vkeySha256 }),
  };
}
