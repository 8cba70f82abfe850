import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TenderError } from '@tender/core';
import { zkCacheDir } from './paths.ts';

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

/** The kinds of circuit artifact, used as the file extension in the store. */
export type ArtifactKind = 'wasm' | 'zkey' | 'vkey.json';

/** Default content-addressed artifact store: `<repo>/.tender/cache/zk/artifacts`. */
export const defaultArtifactStore: string = path.join(zkCacheDir, 'artifacts');

/** Where an artifact with this sha256 lives in a store: `<store>/<sha256 hex>.<kind>`. */
export function artifactPath(
  sha256: string,
  kind: ArtifactKind,
  store: string = defaultArtifactStore,
): string {
  hexBytes(sha256, 'sha256');
  return path.join(store, `${sha256.slice(2).toLowerCase()}.${kind}`);
}

async function placeAtomically(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
  if (
    await stat(target).then(
      () => true,
      () => false,
    )
  )
    return;
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await write(tmp);
    await rename(tmp, target);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Stores downloaded artifact bytes under their sha256 after checking them
 * against the expected digest (`TENDER_ARTIFACT_INVALID` on mismatch). A
 * second store of the same content is a no-op. Returns the stored path.
 *
 * @example
 * const zkeyPath = await storeArtifactBytes(await res.arrayBuffer().then((b) => new Uint8Array(b)), 'zkey', zkeySha256);
 */
export async function storeArtifactBytes(
  data: Uint8Array,
  kind: ArtifactKind,
  expectedSha256: string,
  store: string = defaultArtifactStore,
): Promise<string> {
  const actual = sha256Bytes(data);
  if (actual !== expectedSha256.toLowerCase()) {
    throw new TenderError('TENDER_ARTIFACT_INVALID', `${kind} artifact does not match its sha256`, {
      details: { kind, expected: expectedSha256, actual },
    });
  }
  const target = artifactPath(actual, kind, store);
  await placeAtomically(target, (tmp) => writeFile(tmp, data));
  return target;
}

/**
 * Copies a circuit's three artifacts into the content-addressed store and
 * returns their hashes, the circuit id and the stored paths.
 */
export async function storeArtifacts(
  paths: { wasmPath: string; zkeyPath: string; vkeyPath: string },
  store: string = defaultArtifactStore,
): Promise<ArtifactHashes & { wasmPath: string; zkeyPath: string; vkeyPath: string }> {
  const hashes = await hashArtifacts(paths);
  const put = async (from: string, sha: string, kind: ArtifactKind) => {
    const target = artifactPath(sha, kind, store);
    await placeAtomically(target, (tmp) => copyFile(from, tmp));
    return target;
  };
  const [wasmPath, zkeyPath, vkeyPath] = await Promise.all([
    put(paths.wasmPath, hashes.wasmSha256, 'wasm'),
    put(paths.zkeyPath, hashes.zkeySha256, 'zkey'),
    put(paths.vkeyPath, hashes.vkeySha256, 'vkey.json'),
  ]);
  return { ...hashes, wasmPath, zkeyPath, vkeyPath };
}
