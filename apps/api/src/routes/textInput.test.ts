import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainFor, devAccounts } from '@tender/chain';
import { type BuiltModelCircuit, buildBuiltinCircuit } from '@tender/circuits';
import { createRequester, registerBuiltinCircuit, reserveNonce } from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import { inputHashOf, marketDomain, signJobRequest } from '@tender/sdk';
import { terminateCurves } from '@tender/zk';
import type { FastifyInstance } from 'fastify';
import { createWalletClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { issueSessionToken } from '../plugins/proverAuth.ts';

// Text with NUL or other control characters, and malformed multipart bodies, are refused
// with a 400 problem+json before anything reaches Postgres (which answers 22021/22P05 to NUL).

let h: MarketHarness;
let artifactsDir: string;
let app: FastifyInstance;
let baseUrl: string;
let apiKey: string;
let circuitId: Hex;
let tiny: BuiltModelCircuit;
const account = privateKeyToAccount(devAccounts.requesters[0].privateKey);

beforeAll(async () => {
  [h, tiny] = await Promise.all([createMarketHarness(), buildBuiltinCircuit('tiny')]);
  artifactsDir = await mkdtemp(join(tmpdir(), 'tender-text-test-'));
  const operator = createWalletClient({
    account: privateKeyToAccount(devAccounts.operator.privateKey),
    chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
    transport: http(h.anvil.rpcUrl),
  });
  const ctx: ApiContext = {
    market: h.deps,
    redis: h.redis,
    redisPrefix: h.redisPrefix,
    artifactsDir,
    operator,
    sessionSecret: 'text-test-secret',
    publicUrl: 'http://127.0.0.1',
  };
  circuitId = (await registerBuiltinCircuit(h.deps, operator, artifactsDir, 'tiny')).circuit.id;
  app = await buildApp({ checks: {}, context: ctx });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  ({ apiKey } = await createRequester(h.deps, { name: 'texter', address: account.address }));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await h?.close();
  await terminateCurves();
  if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
});

async function tinyForm(fields: Record<string, string>): Promise<FormData> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const kind of ['wasm', 'zkey', 'vkey', 'r1cs', 'sym'] as const) {
    const path = tiny[`${kind}Path`];
    form.append(kind, new Blob([await readFile(path)]), kind);
  }
  return form;
}

const upload = (body: FormData | string, headers: Record<string, string> = {}) =>
  fetch(`${baseUrl}/v1/circuits`, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${apiKey}`, ...headers },
  });

async function expectTextRefused(res: Response, field: string) {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(await res.json()).toMatchObject({ code: 'TENDER_TEXT_INVALID', details: { field } });
}

async function signedJob(webhookUrl: string) {
  const input = { pixels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], salt: '7' };
  const nonce = await reserveNonce(h.deps, (await h.deps.prisma.requester.findFirstOrThrow()).id);
  const deadline = Math.floor(Date.now() / 1000) + 600;
  const maxFee = 10n ** 15n;
  const requestSignature = await signJobRequest(
    account,
    marketDomain(h.deployment.chainId, h.deployment.addresses.market),
    {
      requester: account.address,
      circuitId,
      inputHash: inputHashOf(input),
      maxFee,
      deadline: BigInt(deadline),
      nonce,
    },
  );
  return app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: `Bearer ${apiKey}` },
    payload: {
      circuitId,
      input,
      maxFee: maxFee.toString(),
      deadline,
      nonce: nonce.toString(),
      requestSignature,
      webhookUrl,
    },
  });
}

describe('text input', () => {
  it('refuses multipart/form-data without a boundary with 400 problem+json', async () => {
    const res = await upload('--x\r\n\r\n', { 'content-type': 'multipart/form-data' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('TENDER_VALIDATION_FAILED');
  });

  it('refuses a NUL byte in a circuit name and in a model card string, storing nothing', async () => {
    const before = await h.deps.prisma.circuit.count();
    await expectTextRefused(await upload(await tinyForm({ name: 'evil\u0000name' })), 'body.name');
    await expectTextRefused(
      await upload(await tinyForm({ name: 'ok', modelCard: '{"notes":"a\\u0000b"}' })),
      'body.modelCard.notes',
    );
    expect(await h.deps.prisma.circuit.count()).toBe(before);
  });

  it('refuses a NUL byte in a webhook URL of a correctly signed job', async () => {
    const input = { pixels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], salt: '7' };
    const nonce = await reserveNonce(h.deps, (await h.deps.prisma.requester.findFirstOrThrow()).id);
    const deadline = Math.floor(Date.now() / 1000) + 600;
    const maxFee = 10n ** 15n;
    const requestSignature = await signJobRequest(
      account,
      marketDomain(h.deployment.chainId, h.deployment.addresses.market),
      {
        requester: account.address,
        circuitId,
        inputHash: inputHashOf(input),
        maxFee,
        deadline: BigInt(deadline),
        nonce,
      },
    );
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { authorization: `Bearer ${apiKey}` },
      payload: {
        circuitId,
        input,
        maxFee: maxFee.toString(),
        deadline,
        nonce: nonce.toString(),
        requestSignature,
        webhookUrl: 'https://example.com/\u0000hook',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'TENDER_TEXT_INVALID', details: { field: 'body.webhookUrl' } });
    expect(await h.deps.prisma.job.count()).toBe(0);
  });

  it('refuses webhook URLs aimed at the inside: loopback, Redis, cloud metadata, IPv6 loopback (SSRF)', async () => {
    for (const url of [
      `${baseUrl}/internal-admin`,
      'http://127.0.0.1:6379/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:5432/',
    ]) {
      const res = await signedJob(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'TENDER_WEBHOOK_URL_FORBIDDEN',
        details: { field: 'webhookUrl' },
      });
    }
    expect(await h.deps.prisma.job.count()).toBe(0);
  });

  it('refuses a control character in a prover name', async () => {
    const token = issueSessionToken(
      'text-test-secret',
      privateKeyToAccount(devAccounts.provers[0].privateKey).address,
      Date.now() + 60_000,
    );
    const res = await app.inject({
      method: 'POST',
      url: '/v1/provers',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        kind: 'cpu',
        maxConcurrency: 1,
        memoryMb: 1024,
        maxConstraints: 10_000,
        name: 'bell\u0007prover',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'TENDER_TEXT_INVALID', details: { field: 'body.name' } });
    expect(await h.deps.prisma.prover.count()).toBe(0);
  });
});
