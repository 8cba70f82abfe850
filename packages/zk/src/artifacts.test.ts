import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isTenderError } from '@tender/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactPath,
  circuitIdOf,
  hashArtifacts,
  sha256Bytes,
  sha256File,
  storeArtifactBytes,
  storeArtifacts,
} from './artifacts.ts';
import { scratchDir } from './testFixtures.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await scratchDir('artifacts'));
});
afterAll(async () => cleanup());

const h = (s: string) => `0x${createHash('sha256').update(s).digest('hex')}` as const;

describe('sha256File', () => {
  it('hashes a file larger than one stream chunk', async () => {
    const big = 'x'.repeat(200_000);
    const file = path.join(dir, 'big.bin');
    await writeFile(file, big);
    expect(await sha256File(file)).toBe(h(big));
    expect(sha256Bytes(big)).toBe(h(big));
  });
});

describe('circuitIdOf', () => {
  const wasmSha256 = h('wasm');
  const zkeySha256 = h('zkey');
  const vkeySha256 = h('vkey');

  it('is sha256 over the three raw digests in wasm, zkey, vkey order', () => {
    const bytes = Buffer.concat(
      [wasmSha256, zkeySha256, vkeySha256].map((x) => Buffer.from(x.slice(2), 'hex')),
    );
    expect(circuitIdOf({ wasmSha256, zkeySha256, vkeySha256 })).toBe(
      `0x${createHash('sha256').update(bytes).digest('hex')}`,
    );
  });

  it('changes when any artifact changes', () => {
    const base = circuitIdOf({ wasmSha256, zkeySha256, vkeySha256 });
    expect(circuitIdOf({ wasmSha256: h('wasm2'), zkeySha256, vkeySha256 })).not.toBe(base);
    expect(circuitIdOf({ wasmSha256, zkeySha256: h('zkey2'), vkeySha256 })).not.toBe(base);
    expect(circuitIdOf({ wasmSha256, zkeySha256, vkeySha256: h('vkey2') })).not.toBe(base);
    expect(circuitIdOf({ wasmSha256: zkeySha256, zkeySha256: wasmSha256, vkeySha256 })).not.toBe(base);
  });

  it('rejects a digest that is not 32 bytes of hex', () => {
    let error: unknown;
    try {
      circuitIdOf({ wasmSha256: '0x1234', zkeySha256, vkeySha256 });
    } catch (e) {
      error = e;
    }
    expect(isTenderError(error, 'TENDER_VALIDATION_FAILED')).toBe(true);
  });
});

describe('hashArtifacts', () => {
  it('hashes the three files and derives the circuit id', async () => {
    const paths = {
      wasmPath: path.join(dir, 'c.wasm'),
      zkeyPath: path.join(dir, 'c.zkey'),
      vkeyPath: path.join(dir, 'v.json'),
    };
    await writeFile(paths.wasmPath, 'wasm');
    await writeFile(paths.zkeyPath, 'zkey');
    await writeFile(paths.vkeyPath, 'vkey');
    const res = await hashArtifacts(paths);
    expect(res).toEqual({
      wasmSha256: h('wasm'),
      zkeySha256: h('zkey'),
      vkeySha256: h('vkey'),
      circuitId: circuitIdOf({ wasmSha256: h('wasm'), zkeySha256: h('zkey'), vkeySha256: h('vkey') }),
    });
  });
});

describe('artifact store', () => {
  it('stores a circuit’s artifacts under their sha256 and finds them by hash', async () => {
    const src = {
      wasmPath: path.join(dir, 's.wasm'),
      zkeyPath: path.join(dir, 's.zkey'),
      vkeyPath: path.join(dir, 's.json'),
    };
    await writeFile(src.wasmPath, 'W');
    await writeFile(src.zkeyPath, 'Z');
    await writeFile(src.vkeyPath, '{}');
    const store = path.join(dir, 'store');
    const stored = await storeArtifacts(src, store);
    expect(stored.zkeyPath).toBe(artifactPath(h('Z'), 'zkey', store));
    expect(await readFile(stored.wasmPath, 'utf8')).toBe('W');
    expect(await storeArtifacts(src, store)).toEqual(stored);
  });

  it('stores downloaded bytes only when they match the expected sha256', async () => {
    const store = path.join(dir, 'store-bytes');
    const data = new TextEncoder().encode('zkey bytes');
    const p = await storeArtifactBytes(data, 'zkey', h('zkey bytes'), store);
    expect(await sha256File(p)).toBe(h('zkey bytes'));
    const error = await storeArtifactBytes(data, 'zkey', h('something else'), store).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_ARTIFACT_INVALID')).toBe(true);
  });
});
