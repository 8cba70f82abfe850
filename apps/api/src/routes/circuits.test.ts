import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainFor, circuitRegistryAbi, devAccounts } from '@tender/chain';
import { type BuiltModelCircuit, buildBuiltinCircuit } from '@tender/circuits';
import { createRequester } from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import type { CircuitView } from '@tender/sdk';
import { hashArtifacts, terminateCurves } from '@tender/zk';
import type { FastifyInstance } from 'fastify';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { circuitRoutesWith, defaultCircuitUploadLimits } from './circuits.ts';

let h: MarketHarness;
let ctx: ApiContext;
let artifactsDir: string;
let app: FastifyInstance;
let baseUrl: string;
let apiKey: string;
let tiny: BuiltModelCircuit;

beforeAll(async () => {
  [h, tiny] = await Promise.all([createMarketHarness(), buildBuiltinCircuit('tiny')]);
  artifactsDir = await mkdtemp(join(tmpdir(), 'tender-circuits-test-'));
  ctx = {
    market: h.deps,
    redis: h.redis,
    redisPrefix: h.redisPrefix,
    artifactsDir,
    operator: createWalletClient({
      account: privateKeyToAccount(devAccounts.operator.privateKey),
      chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
      transport: http(h.anvil.rpcUrl),
    }),
    sessionSecret: 'circuits-test',
    publicUrl: 'http://127.0.0.1',
  };
  app = await buildApp({ checks: {}, context: ctx });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  ({ apiKey } = await createRequester(h.deps, {
    name: 'circuit uploader',
    address: privateKeyToAccount(devAccounts.requesters[0].privateKey).address,
  }));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await h?.close();
  await terminateCurves();
  if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
});

async function tinyForm(overrides: Record<string, Blob | string | null> = {}): Promise<FormData> {
  const file = async (p: string) => new Blob([await readFile(p)]);
  const parts: Record<string, Blob | string> = {
    name: 'tiny upload',
    wasm: await file(tiny.wasmPath),
    zkey: await file(tiny.zkeyPath),
    vkey: await file(tiny.vkeyPath),
    r1cs: await file(tiny.r1csPath),
    sym: await file(tiny.symPath),
  };
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...parts, ...overrides })) {
    if (v === null) continue;
    if (typeof v === 'string') form.append(k, v);
    else form.append(k, v, k);
  }
  return form;
}

const upload = (form: FormData, key: string | null = apiKey, url = baseUrl) =>
  fetch(`${url}/v1/circuits`, {
    method: 'POST',
    body: form,
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  });

interface Problem {
  code: string;
  detail?: string;
  details: Record<string, unknown>;
}
const problemOf = async (res: Response) => (await res.json()) as Problem;
const circuitOf = async (res: Response) => (await res.json()) as CircuitView;

const registryHash = (id: `0x${string}`) =>
  h.deps.publicClient.readContract({
    address: h.deployment.addresses.registry,
    abi: circuitRegistryAbi,
    functionName: 'vkHashOf',
    args: [id],
  });

describe('POST /v1/circuits', () => {
  it('answers 401 problem+json without a valid API key', async () => {
    for (const key of [null, 'tnd_000000000000_nope-nope-nope-nope-nope-nope-nope']) {
      const res = await upload(await tinyForm(), key);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await problemOf(res)).code).toBe('TENDER_UNAUTHORIZED');
    }
    expect(await h.deps.prisma.circuit.count()).toBe(0);
  });

  it('refuses a verification key that is not the one inside the zkey, storing nothing', async () => {
    const vkey = JSON.parse(await readFile(tiny.vkeyPath, 'utf8'));
    const forged = new Blob([JSON.stringify({ ...vkey, vk_delta_2: vkey.vk_gamma_2 })]);
    const res = await upload(await tinyForm({ vkey: forged }));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      code: 'TENDER_ARTIFACT_INVALID',
      details: { kind: 'vkey', reason: 'vkey_mismatch' },
    });
    expect(await h.deps.prisma.circuit.count()).toBe(0);
    expect((await readdir(artifactsDir)).filter((f) => !f.startsWith('.upload-'))).toEqual([]);
  });

  it('names a missing file and refuses what is not a circuit artifact', async () => {
    const missing = await upload(await tinyForm({ r1cs: null }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      code: 'TENDER_VALIDATION_FAILED',
      details: { field: 'body.r1cs' },
    });
    const garbage = await upload(await tinyForm({ zkey: new Blob(['definitely not a zkey']) }));
    expect(garbage.status).toBe(422);
    expect((await problemOf(garbage)).details.kind).toBe('zkey');
  });

  it('refuses a zkey cut to half its length with 422 naming the artifact and the check, registering nothing', async () => {
    const zkey = await readFile(tiny.zkeyPath);
    const res = await upload(await tinyForm({ zkey: new Blob([zkey.subarray(0, zkey.length >> 1)]) }));
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({
      code: 'TENDER_ARTIFACT_INVALID',
      details: { kind: 'zkey', check: 'structure' },
    });
    const badSample = await upload(await tinyForm({ sampleInput: '{"pixels": [1, 2]}' }));
    expect(badSample.status).toBe(422);
    expect((await problemOf(badSample)).details).toMatchObject({ kind: 'sampleInput', check: 'witness' });
    const notJson = await upload(await tinyForm({ sampleInput: 'pixels' }));
    expect((await problemOf(notJson)).details).toMatchObject({ kind: 'sampleInput', check: 'parse' });
    expect(await h.deps.prisma.circuit.count()).toBe(0);
    const logs = await h.deps.publicClient.getContractEvents({
      address: h.deployment.addresses.registry,
      abi: circuitRegistryAbi,
      eventName: 'CircuitRegistered',
      fromBlock: h.deployment.blockNumber,
    });
    expect(logs).toHaveLength(0);
  });

  it('refuses an upload past the requester’s storage quota with 413, storing nothing', async () => {
    const small = await buildApp({ checks: {} });
    await circuitRoutesWith({ ...defaultCircuitUploadLimits, perRequesterBytes: 64 * 1024 })(small, ctx);
    const url = await small.listen({ port: 0, host: '127.0.0.1' });
    try {
      const before = await h.deps.prisma.circuit.count();
      const res = await upload(await tinyForm(), apiKey, url);
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ code: 'TENDER_UPLOAD_QUOTA_EXCEEDED' });
      expect(await h.deps.prisma.circuit.count()).toBe(before);
    } finally {
      await small.close();
    }
  });

  it('refuses an artifact over its size limit with 413', async () => {
    const small = await buildApp({ checks: {} });
    await circuitRoutesWith({ ...defaultCircuitUploadLimits, wasm: 1024 })(small, ctx);
    const url = await small.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await upload(await tinyForm(), apiKey, url);
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({
        code: 'TENDER_ARTIFACT_TOO_LARGE',
        details: { kind: 'wasm' },
      });
    } finally {
      await small.close();
    }
  });

  it('stores an upload by sha256, reads its signals from r1cs/sym and registers its key on-chain', async () => {
    const res = await upload(
      await tinyForm({ modelCard: JSON.stringify({ model: 'tiny', note: 'uploaded' }) }),
    );
    expect(res.status).toBe(201);
    const circuit = await circuitOf(res);
    const hashes = await hashArtifacts(tiny);
    expect(circuit.id).toBe(hashes.circuitId);
    expect(circuit.artifacts.zkey.sha256).toBe(hashes.zkeySha256);
    expect(circuit).toMatchObject({
      name: 'tiny upload',
      builtin: false,
      constraints: tiny.constraints,
      publicSignalNames: tiny.publicSignalNames,
      inputSignals: tiny.inputSignals,
      modelCard: { model: 'tiny', note: 'uploaded' },
    });
    expect(circuit.registration?.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await registryHash(circuit.id)).toBe(circuit.vkeyHash);
    const stored = await readdir(artifactsDir);
    expect(stored).toContain(`${hashes.wasmSha256.slice(2)}.wasm`);
    expect(stored.some((f) => f.startsWith('.upload-'))).toBe(false);

    const again = await upload(await tinyForm());
    expect(again.status).toBe(200);
    expect((await circuitOf(again)).id).toBe(circuit.id);
  });

  it('makes the built-in tiny circuit of the same artifacts built-in, and lists it first', async () => {
    const res = await fetch(`${baseUrl}/v1/circuits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ builtin: 'tiny' }),
    });
    expect(res.status).toBe(200);
    const circuit = await circuitOf(res);
    expect(circuit).toMatchObject({
      name: 'tiny',
      builtin: true,
      modelCard: { model: 'tiny', mode: 'public' },
    });
    const list = (await (await fetch(`${baseUrl}/v1/circuits`)).json()) as { items: CircuitView[] };
    expect(list.items[0]).toMatchObject({ id: circuit.id, builtin: true });
    const one = await fetch(`${baseUrl}/v1/circuits/${circuit.id}`);
    expect((await circuitOf(one)).vkeyHash).toBe(await registryHash(circuit.id));

    const unknown = await fetch(`${baseUrl}/v1/circuits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ builtin: 'resnet' }),
    });
    expect(unknown.status).toBe(400);
    const missing = await fetch(`${baseUrl}/v1/circuits/0x${'0'.repeat(64)}`);
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).code).toBe('TENDER_CIRCUIT_NOT_FOUND');
  });
});

describe('GET /v1/circuits/:id/artifacts/:kind', () => {
  it('serves the file with its sha256 as ETag, 304 when it matches and 206 for a byte range', async () => {
    const hashes = await hashArtifacts(tiny);
    const url = `${baseUrl}/v1/circuits/${hashes.circuitId}/artifacts/zkey`;
    const bytes = await readFile(tiny.zkeyPath);

    const full = await fetch(url);
    expect(full.status).toBe(200);
    const etag = full.headers.get('etag');
    expect(etag).toBe(`"${hashes.zkeySha256.slice(2)}"`);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);

    const cached = await fetch(url, { headers: { 'if-none-match': etag as string } });
    expect(cached.status).toBe(304);

    const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    const tail = await fetch(url, { headers: { range: 'bytes=-16' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 16))).toBe(true);

    const outside = await fetch(url, { headers: { range: `bytes=${bytes.length}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    expect((await problemOf(outside)).code).toBe('TENDER_RANGE_NOT_SATISFIABLE');

    const vkey = await fetch(`${baseUrl}/v1/circuits/${hashes.circuitId}/artifacts/vkey`);
    expect(vkey.headers.get('content-type')).toContain('application/json');
    expect(await vkey.json()).toEqual(tiny.vkey);

    expect((await fetch(`${baseUrl}/v1/circuits/${hashes.circuitId}/artifacts/r1cs`)).status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents the requester routes', async () => {
    const res = await fetch(`${baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    const { paths } = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    for (const path of [
      '/v1/market',
      '/v1/requesters/me/nonces',
      '/v1/circuits',
      '/v1/circuits/{id}/artifacts/{kind}',
      '/v1/jobs',
      '/v1/jobs/{id}',
      '/v1/jobs/{id}/events',
    ]) {
      expect(paths[path], path).toBeDefined();
    }
    expect(paths['/v1/jobs/{id}']?.delete).toBeDefined();
  });
});
