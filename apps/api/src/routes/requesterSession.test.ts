import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainFor, devAccounts, tenderMarketAbi } from '@tender/chain';
import { insertCircuit } from '@tender/db/testing';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import type { FastifyInstance } from 'fastify';
import { createWalletClient, type Hex, http, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { issueSessionToken } from '../plugins/proverAuth.ts';

// A stranger (a fresh key, not a dev account) becomes a requester by signing in, manages API keys,
// and sees its on-chain escrow. Real Postgres, Redis and anvil.
let skewMs = 0;
const now = () => Date.now() + skewMs;
let h: MarketHarness;
let api: FastifyInstance;
let ctx: ApiContext;
let artifactsDir: string;
const host = 'api.tender.test:8443';
const stranger = privateKeyToAccount(generatePrivateKey());

beforeAll(async () => {
  h = await createMarketHarness({ now });
  artifactsDir = await mkdtemp(join(tmpdir(), 'tender-requester-session-'));
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
    sessionSecret: 'requester-session-test-secret',
    publicUrl: `https://${host}`,
  };
  api = await buildApp({ checks: {}, context: ctx });
});
afterAll(async () => {
  await api?.close();
  await h?.close();
  await rm(artifactsDir, { recursive: true, force: true });
});

const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token?: string, body?: unknown) =>
  api.inject({
    method,
    url,
    ...(body === undefined ? {} : { payload: body as object }),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

async function signed(
  account = stranger,
  over: { domain?: string; chainId?: number; nonce?: string; expirationTime?: Date } = {},
): Promise<{ message: string; signature: Hex }> {
  const nonce =
    over.nonce ?? (await call('GET', '/v1/requesters/session/nonce')).json<{ nonce: string }>().nonce;
  const message = createSiweMessage({
    address: account.address,
    chainId: over.chainId ?? h.deployment.chainId,
    domain: over.domain ?? host,
    nonce,
    uri: `https://${host}`,
    version: '1',
    issuedAt: new Date(now() - 1_000),
    ...(over.expirationTime ? { expirationTime: over.expirationTime } : {}),
  });
  return { message, signature: await account.signMessage({ message }) };
}

async function signIn(account = stranger) {
  const res = await call('POST', '/v1/requesters/session', undefined, await signed(account));
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ token: string; expiresAt: string; address: string; requesterId: string }>();
}

describe('requester sign-in (EIP-4361)', () => {
  it('creates the requester bound to the address on the first sign-in and finds it on the next', async () => {
    const first = await signIn();
    expect(first.address).toBe(stranger.address);
    expect(Date.parse(first.expiresAt) - now()).toBeGreaterThan(86_000_000);
    const row = await h.deps.prisma.requester.findUniqueOrThrow({ where: { id: first.requesterId } });
    expect(row.address).toBe(stranger.address.toLowerCase());
    expect(await h.deps.prisma.apiKey.count({ where: { requesterId: first.requesterId } })).toBe(0);
    const second = await signIn();
    expect(second.requesterId).toBe(first.requesterId);
    const me = await call('GET', '/v1/requesters/me', second.token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: first.requesterId, address: stranger.address });
  });

  it.each([
    [
      'a replayed nonce',
      'nonce_unknown',
      async () => {
        const once = await signed();
        expect((await call('POST', '/v1/requesters/session', undefined, once)).statusCode).toBe(200);
        return once;
      },
    ],
    ['an unissued nonce', 'nonce_unknown', () => signed(stranger, { nonce: 'abcdefgh12345678' })],
    ['an expired message', 'expired', () => signed(stranger, { expirationTime: new Date(now() - 60_000) })],
    ['another domain', 'domain_mismatch', () => signed(stranger, { domain: 'evil.example' })],
    ['another chain', 'chain_mismatch', () => signed(stranger, { chainId: 1 })],
  ] as const)(
    'refuses %s with 401 problem+json (reason %s) and creates nothing',
    async (_label, reason, make) => {
      const body = await make();
      const before = await h.deps.prisma.requester.count();
      const res = await call('POST', '/v1/requesters/session', undefined, body);
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'TENDER_UNAUTHORIZED', details: { reason } });
      expect(await h.deps.prisma.requester.count()).toBe(before);
    },
  );

  it('refuses a message signed by another key than the one it names', async () => {
    const { message } = await signed();
    const signature = await privateKeyToAccount(generatePrivateKey()).signMessage({ message });
    const res = await call('POST', '/v1/requesters/session', undefined, { message, signature });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'TENDER_SIGNATURE_INVALID' });
  });

  it('keeps prover and requester session tokens apart, and refuses an expired token', async () => {
    const proverToken = issueSessionToken(ctx.sessionSecret, stranger.address, now() + 60_000);
    const asRequester = await call('GET', '/v1/requesters/me', proverToken);
    expect(asRequester.statusCode).toBe(401);
    const { token } = await signIn();
    expect((await call('GET', '/v1/provers/me', token)).statusCode).toBe(401);
    skewMs = 86_400_000 + 1_000;
    try {
      expect((await call('GET', '/v1/requesters/me', token)).json()).toMatchObject({
        code: 'TENDER_UNAUTHORIZED',
      });
    } finally {
      skewMs = 0;
    }
  });
});

describe('requester API keys', () => {
  it('creates a key shown once and stored hashed, lists it, and a revoked key stops working at once', async () => {
    const { token } = await signIn();
    const created = await call('POST', '/v1/requesters/me/keys', token, {
      name: 'ci',
      scopes: ['read', 'submit'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const key = created.json<{
      id: string;
      name: string;
      scopes: string[];
      key: string;
      createdAt: string;
    }>();
    expect(key).toMatchObject({ name: 'ci', scopes: ['submit', 'read'] });
    expect(key.key).toMatch(/^tnd_[0-9a-f]{12}_[A-Za-z0-9_-]{32,}$/);
    const row = await h.deps.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.keyHash).not.toContain(key.key.slice(18));
    expect(JSON.stringify(row)).not.toContain(key.key);

    expect((await call('GET', '/v1/requesters/me', key.key)).statusCode).toBe(200);
    const listed = (await call('GET', '/v1/requesters/me/keys', key.key)).json<{
      keys: Record<string, unknown>[];
    }>();
    expect(listed.keys).toContainEqual(
      expect.objectContaining({ id: key.id, name: 'ci', scopes: ['submit', 'read'], revokedAt: null }),
    );
    expect(JSON.stringify(listed)).not.toContain(key.key);

    const revoked = await call('DELETE', `/v1/requesters/me/keys/${key.id}`, token);
    expect(revoked.statusCode).toBe(204);
    const after = await call('GET', '/v1/requesters/me', key.key);
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'TENDER_UNAUTHORIZED', details: { reason: 'revoked' } });
    const again = (await call('GET', '/v1/requesters/me/keys', token)).json<{
      keys: { id: string; revokedAt: string | null }[];
    }>();
    expect(again.keys.find((k) => k.id === key.id)?.revokedAt).toMatch(/^\d{4}-/);
  });

  it('enforces scopes: read opens GETs only, submit opens writes only, managing keys needs both', async () => {
    const { token } = await signIn();
    const make = async (scopes: string[]) =>
      (await call('POST', '/v1/requesters/me/keys', token, { name: scopes.join('+'), scopes })).json<{
        key: string;
      }>().key;
    const [readKey, submitKey] = [await make(['read']), await make(['submit'])];
    expect((await call('GET', '/v1/requesters/me', readKey)).statusCode).toBe(200);
    expect((await call('GET', '/v1/jobs', readKey)).statusCode).toBe(200);
    const denied = await call('POST', '/v1/requesters/me/nonces', readKey);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ code: 'TENDER_FORBIDDEN', details: { missing: ['submit'] } });
    expect((await call('POST', '/v1/requesters/me/nonces', submitKey)).statusCode).toBe(201);
    expect((await call('GET', '/v1/requesters/me', submitKey)).json()).toMatchObject({
      code: 'TENDER_FORBIDDEN',
    });
    for (const key of [readKey, submitKey]) {
      expect(
        (await call('POST', '/v1/requesters/me/keys', key, { name: 'x', scopes: ['read'] })).statusCode,
      ).toBe(403);
      expect((await call('GET', '/v1/requesters/me/keys', key)).statusCode).toBe(403);
    }
  });

  it('refuses bad key input and other requesters’ keys without changing anything', async () => {
    const { token } = await signIn();
    const other = await signIn(privateKeyToAccount(generatePrivateKey()));
    const theirs = (
      await call('POST', '/v1/requesters/me/keys', other.token, { name: 'theirs', scopes: ['read'] })
    ).json<{
      id: string;
      key: string;
    }>();
    for (const body of [
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['admin'] },
      { name: '', scopes: ['read'] },
      { scopes: ['read'] },
    ]) {
      const res = await call('POST', '/v1/requesters/me/keys', token, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'TENDER_VALIDATION_FAILED' });
    }
    expect((await call('DELETE', `/v1/requesters/me/keys/${theirs.id}`, token)).json()).toMatchObject({
      code: 'TENDER_NOT_FOUND',
    });
    expect((await call('DELETE', '/v1/requesters/me/keys/not-a-uuid', token)).statusCode).toBe(404);
    expect((await call('GET', '/v1/requesters/me', theirs.key)).statusCode).toBe(200);
  });
});

describe('escrow and market from the client side', () => {
  it('shows the on-chain balance the requester deposited and what its open jobs hold', async () => {
    const { token, requesterId } = await signIn();
    const chain = chainFor(h.anvil.rpcUrl, h.deployment.chainId);
    const funder = createWalletClient({
      account: privateKeyToAccount(devAccounts.requesters[1]!.privateKey),
      chain,
      transport: http(h.anvil.rpcUrl),
    });
    await h.deps.publicClient.waitForTransactionReceipt({
      hash: await funder.sendTransaction({ to: stranger.address, value: parseEther('1') }),
    });
    const wallet = createWalletClient({ account: stranger, chain, transport: http(h.anvil.rpcUrl) });
    const deposit = parseEther('0.25');
    await h.deps.publicClient.waitForTransactionReceipt({
      hash: await wallet.writeContract({
        address: h.deployment.addresses.market,
        abi: tenderMarketAbi,
        functionName: 'deposit',
        value: deposit,
      }),
    });
    const circuit = await insertCircuit(h.deps.prisma);
    const job = (maxFeeWei: bigint, status: 'assigned' | 'verified') =>
      h.deps.prisma.job.create({
        data: {
          requesterId,
          circuitId: circuit.id,
          input: {},
          inputHash: `0x${'00'.repeat(32)}`,
          maxFeeWei: maxFeeWei.toString(),
          deadline: new Date(now() + 600_000),
          status,
        },
      });
    await job(10n ** 15n, 'assigned');
    await job(10n ** 17n, 'verified');

    const me = (await call('GET', '/v1/requesters/me', token)).json<{ escrow: Record<string, string> }>();
    const onChain = await h.deps.publicClient.readContract({
      address: h.deployment.addresses.market,
      abi: tenderMarketAbi,
      functionName: 'balanceOf',
      args: [stranger.address],
    });
    expect(onChain).toBe(deposit);
    expect(me.escrow).toEqual({
      balanceWei: deposit.toString(),
      pendingWithdrawalWei: '0',
      heldByOpenJobsWei: (10n ** 15n).toString(),
      availableWei: (deposit - 10n ** 15n).toString(),
    });
  });

  it('gives the contracts’ ABIs and the EIP-712 domain on GET /v1/market', async () => {
    const market = (await call('GET', '/v1/market')).json<{
      abis: Record<string, { type: string; name?: string }[]>;
      eip712Domain: Record<string, unknown>;
    }>();
    expect(market.eip712Domain).toEqual({
      name: 'Tender',
      version: '1',
      chainId: h.deployment.chainId,
      verifyingContract: h.deployment.addresses.market,
    });
    expect(market.abis.market).toEqual(JSON.parse(JSON.stringify(tenderMarketAbi)));
    expect(market.abis.staking!.some((item) => item.name === 'stake')).toBe(true);
    expect(market.abis.registry!.length).toBeGreaterThan(0);
  });
});
