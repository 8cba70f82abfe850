import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainFor, type DevAccount, devAccounts, tenderStakingAbi } from '@tender/chain';
import { buildBuiltinCircuit, loadBuiltinModel, modelInput } from '@tender/circuits';
import type { Circuit } from '@tender/db';
import { closeAuction, openAuction } from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import {
  type AwardEvent,
  type InvitationEvent,
  ProverClient,
  type ProverEvent,
  TenderApiError,
} from '@tender/sdk';
import { calculateWitness, circuitIdOf, hashArtifacts, Prover } from '@tender/zk';
import type { FastifyInstance } from 'fastify';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { issueSessionToken } from '../plugins/proverAuth.ts';

// One real market for the whole file: Postgres database, Redis prefix, anvil with the contracts,
// and the api listening on a free port (SSE needs a real connection).
let skewMs = 0;
const now = () => Date.now() + skewMs;
let h: MarketHarness;
let api: FastifyInstance;
let ctx: ApiContext;
let base: string;
let artifactsDir: string;
let circuit: Circuit;
let inputFor: (n: number) => Promise<{ input: unknown; expected: string[] }>;
const prover = new Prover();
const [alice, bob, carol] = devAccounts.provers as unknown as [DevAccount, DevAccount, DevAccount];
const client = (account: DevAccount) =>
  new ProverClient({ baseUrl: base, account: privateKeyToAccount(account.privateKey) });

beforeAll(async () => {
  h = await createMarketHarness({ now, config: { auctionWindowMs: 30_000 } });
  artifactsDir = await mkdtemp(join(tmpdir(), 'tender-prover-api-'));
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
    sessionSecret: 'prover-routes-test-secret',
    publicUrl: 'http://127.0.0.1',
  };
  api = await buildApp({ checks: {}, context: ctx });
  base = await api.listen({ port: 0, host: '127.0.0.1' });
  ctx.publicUrl = base;
  ({ circuit, inputFor } = await insertTinyCircuit());
  await Promise.all([stake(alice), stake(carol)]);
});
afterAll(async () => {
  await api?.close();
  await prover.close();
  await h?.close();
  await rm(artifactsDir, { recursive: true, force: true });
});

async function stake(account: DevAccount): Promise<void> {
  const wallet = createWalletClient({
    account: privateKeyToAccount(account.privateKey),
    chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
    transport: http(h.anvil.rpcUrl),
  });
  const { staking } = h.deployment.addresses;
  const minimum = await h.deps.publicClient.readContract({
    address: staking,
    abi: tenderStakingAbi,
    functionName: 'minimumStake',
  });
  const hash = await wallet.writeContract({
    address: staking,
    abi: tenderStakingAbi,
    functionName: 'stake',
    value: minimum,
  });
  await h.deps.publicClient.waitForTransactionReceipt({ hash });
}

/** The built-in `tiny` circuit (cached build) as a circuit row with its real artifacts. */
async function insertTinyCircuit() {
  const built = await buildBuiltinCircuit('tiny');
  const hashes = await hashArtifacts(built);
  const hex = (value: string) => value.slice(2);
  const row = await h.deps.prisma.circuit.create({
    data: {
      id: circuitIdOf(hashes),
      name: 'tiny',
      builtin: true,
      wasmSha256: hex(hashes.wasmSha256),
      wasmSize: 1n,
      wasmPath: built.wasmPath,
      zkeySha256: hex(hashes.zkeySha256),
      zkeySize: 1n,
      zkeyPath: built.zkeyPath,
      vkeySha256: hex(hashes.vkeySha256),
      vkeySize: 1n,
      vkeyPath: built.vkeyPath,
      constraints: built.constraints,
      publicSignalNames: built.publicSignalNames,
      inputSpec: built.inputSignals.map((s) => ({ ...s })),
    },
  });
  const model = await loadBuiltinModel('tiny');
  return {
    circuit: row,
    inputFor: async (n: number) => {
      const input = modelInput(
        model,
        Array.from({ length: 16 }, (_, i) => (i * 37 + n * 11) % 256),
      );
      const witness = await calculateWitness(built.wasmPath, input);
      return { input, expected: witness.slice(1, 1 + built.publicSignals).map(String) };
    },
  };
}

/** A submitted job on the tiny circuit (what the requester side stores), ready for an auction. */
async function insertJob(n: number) {
  const { input, expected } = await inputFor(n);
  const requester = await h.deps.prisma.requester.create({
    data: { name: 'r', address: `0x${randomBytes(20).toString('hex')}` },
  });
  const job = await h.deps.prisma.job.create({
    data: {
      requesterId: requester.id,
      circuitId: circuit.id,
      input: input as object,
      inputHash: `0x${randomBytes(32).toString('hex')}`,
      maxFeeWei: (10n ** 16n).toString(),
      deadline: new Date(now() + 600_000),
      chainJobId: `0x${randomBytes(32).toString('hex')}`,
      expectedPublicSignals: expected,
      requestNonce: '0',
    },
  });
  await h.deps.prisma.jobEvent.create({ data: { jobId: job.id, toStatus: 'submitted', round: 0 } });
  return job;
}

/** Follows a client's event stream in the background. */
function follow(c: ProverClient) {
  const abort = new AbortController();
  const events: ProverEvent[] = [];
  const errors: unknown[] = [];
  const done = (async () => {
    for await (const event of c.events({ signal: abort.signal, onError: (e) => errors.push(e) })) {
      events.push(event);
    }
  })();
  return {
    events,
    async until<T extends ProverEvent>(match: (e: ProverEvent) => e is T, timeoutMs = 10_000): Promise<T> {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > end) throw new Error(`no such event: ${JSON.stringify({ events, errors })}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      abort.abort();
      await done;
    },
  };
}

const isInvitation = (e: ProverEvent): e is InvitationEvent => e.type === 'invitation';
const isAward = (e: ProverEvent): e is AwardEvent => e.type === 'award';

async function siwe(account: DevAccount, over: { domain?: string; chainId?: number; nonce?: string } = {}) {
  const nonce =
    over.nonce ??
    ((await fetch(`${base}/v1/provers/session/nonce`).then((r) => r.json())) as { nonce: string }).nonce;
  const message = createSiweMessage({
    address: account.address,
    chainId: over.chainId ?? h.deployment.chainId,
    domain: over.domain ?? new URL(base).host,
    nonce,
    uri: base,
    version: '1',
    issuedAt: new Date(),
  });
  const signature = await privateKeyToAccount(account.privateKey).signMessage({ message });
  return { message, signature };
}

const post = (url: string, body: unknown, token?: string) =>
  api.inject({
    method: 'POST',
    url,
    payload: body as object,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('prover sign-in (EIP-4361)', () => {
  it('grants a 1-hour token for a signed message, and the token opens the prover routes', async () => {
    const session = await client(alice).signIn();
    expect(session.address).toBe(alice.address);
    expect(Date.parse(session.expiresAt) - now()).toBeGreaterThan(3_500_000);
    const me = await api.inject({
      method: 'GET',
      url: '/v1/provers/me',
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(me.statusCode).toBe(404);
    expect(me.json().code).toBe('TENDER_PROVER_NOT_FOUND');
  });

  it('refuses a replayed nonce', async () => {
    const signed = await siwe(alice);
    expect((await post('/v1/provers/session', signed)).statusCode).toBe(200);
    const replay = await post('/v1/provers/session', signed);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({
      code: 'TENDER_UNAUTHORIZED',
      details: { reason: 'nonce_unknown' },
    });
  });

  it('refuses a message for another domain or another chain, and keeps the nonce usable', async () => {
    const { nonce } = (await (await fetch(`${base}/v1/provers/session/nonce`)).json()) as { nonce: string };
    const wrongDomain = await post(
      '/v1/provers/session',
      await siwe(alice, { nonce, domain: 'evil.example' }),
    );
    expect(wrongDomain.statusCode).toBe(401);
    expect(wrongDomain.json().details.reason).toBe('domain_mismatch');
    const wrongChain = await post('/v1/provers/session', await siwe(alice, { nonce, chainId: 1 }));
    expect(wrongChain.statusCode).toBe(401);
    expect(wrongChain.json().details.reason).toBe('chain_mismatch');
    expect((await post('/v1/provers/session', await siwe(alice, { nonce }))).statusCode).toBe(200);
  });

  it('refuses a message signed by another key than its address', async () => {
    const signed = await siwe(alice);
    const forged = await privateKeyToAccount(bob.privateKey).signMessage({ message: signed.message });
    const res = await post('/v1/provers/session', { message: signed.message, signature: forged });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TENDER_SIGNATURE_INVALID');
  });

  it('answers 401 problem+json to a missing, forged or expired token', async () => {
    const get = (token?: string) =>
      api.inject({
        method: 'GET',
        url: '/v1/provers/me',
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
    const missing = await get();
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect((await get(issueSessionToken('another secret', alice.address, now() + 60_000))).statusCode).toBe(
      401,
    );
    const expired = issueSessionToken(ctx.sessionSecret, alice.address, now() - 1);
    expect((await get(expired)).json()).toMatchObject({ status: 401, code: 'TENDER_UNAUTHORIZED' });
    expect((await get(issueSessionToken(ctx.sessionSecret, alice.address, now() + 60_000))).statusCode).toBe(
      404,
    );
  });
});

describe('prover registration', () => {
  it('refuses a prover without the minimum stake with 403 TENDER_INSUFFICIENT_STAKE', async () => {
    const error = await client(bob)
      .register({ kind: 'cpu', maxConcurrency: 1, memoryMb: 4096, maxConstraints: 100_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenderApiError);
    expect(error).toMatchObject({ status: 403, code: 'TENDER_INSUFFICIENT_STAKE' });
  });

  it('registers, updates its capacity and records heartbeats with the circuits it caches', async () => {
    const c = client(alice);
    const registered = await c.register({
      kind: 'cpu',
      maxConcurrency: 1,
      memoryMb: 4096,
      maxConstraints: 100_000,
      priceFloorWei: 5n,
      name: 'alice',
    });
    expect(registered).toMatchObject({
      address: alice.address.toLowerCase(),
      priceFloorWei: '5',
      name: 'alice',
    });
    await c.register({ kind: 'gpu', maxConcurrency: 2, memoryMb: 8192, maxConstraints: 100_000 });
    await c.heartbeat({ cachedCircuitIds: [circuit.id] });
    expect(await c.me()).toMatchObject({
      id: registered.id,
      kind: 'gpu',
      maxConcurrency: 2,
      priceFloorWei: '0',
      cachedCircuitIds: [circuit.id],
    });
  });

  it('bounds a declared capacity of 1,024 slots and 2^31-1 MB by the ceilings and the prover’s record', async () => {
    const c = client(alice);
    const claimed = await c.register({
      kind: 'gpu',
      maxConcurrency: 1024,
      memoryMb: 2 ** 31 - 1,
      maxConstraints: 100_000,
    });
    expect(claimed).toMatchObject({ maxConcurrency: 4, memoryMb: 1_048_576 });
    await c.register({ kind: 'gpu', maxConcurrency: 2, memoryMb: 8192, maxConstraints: 100_000 });
  });

  it('validates the registration body with a problem naming the field', async () => {
    const { token } = await client(alice).signIn();
    const res = await post(
      '/v1/provers',
      { kind: 'tpu', maxConcurrency: 1, memoryMb: 1, maxConstraints: 1 },
      token,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'TENDER_VALIDATION_FAILED', details: { field: 'body.kind' } });
  });
});

describe('prover protocol: events, bids, proofs, abandon', () => {
  it('replays a pending invitation on connect, takes a signed bid, then streams the award live', async () => {
    const c = client(alice);
    await c.heartbeat();
    const job = await insertJob(1);
    const opened = await openAuction(h.deps, job.id, 1);
    expect(opened.status).toBe('opened');
    const stream = follow(c);
    try {
      const invitation = await stream.until(isInvitation);
      expect(invitation).toMatchObject({
        auctionId: opened.auctionId,
        jobId: job.id,
        chainJobId: job.chainJobId,
      });
      const bid = await c.bid(invitation, { price: 10n ** 15n, etaMs: 5_000 });
      expect(bid).toMatchObject({
        auctionId: opened.auctionId,
        priceWei: (10n ** 15n).toString(),
        etaMs: 5_000,
      });

      skewMs += 31_000; // past the 30 s window
      await c.heartbeat();
      expect(await closeAuction(h.deps, opened.auctionId!)).toMatchObject({ status: 'awarded' });
      const award = await stream.until(isAward);
      expect(stream.events.indexOf(invitation)).toBeLessThan(stream.events.indexOf(award));
      expect(award).toMatchObject({ jobId: job.id, price: (10n ** 15n).toString(), input: job.input });

      // A tampered proof (A and C swapped: valid points, failing pairing) is refused and kept as evidence.
      const { proof, publicSignals } = await prover.prove(
        { wasmPath: circuit.wasmPath, zkeyPath: circuit.zkeyPath },
        award.input as never,
      );
      const tampered = { ...proof, pi_a: proof.pi_c, pi_c: proof.pi_a };
      const refused = await c
        .submitProof(job.id, award.chainJobId, award.circuitId, tampered, publicSignals)
        .catch((e: unknown) => e);
      expect(refused).toMatchObject({ status: 422, code: 'TENDER_PROOF_INVALID' });
      const assignment = await h.deps.prisma.assignment.findUniqueOrThrow({
        where: { id: award.assignmentId },
      });
      expect(assignment.status).toBe('failed_invalid');
      expect(await h.deps.prisma.slash.count({ where: { assignmentId: award.assignmentId } })).toBe(1);
    } finally {
      await stream.close();
    }
  });

  it('refuses a bid signed by another key with 401', async () => {
    const c = client(carol);
    await c.register({ kind: 'cpu', maxConcurrency: 1, memoryMb: 4096, maxConstraints: 100_000 });
    const job = await insertJob(2);
    const opened = await openAuction(h.deps, job.id, 1);
    const { token } = await c.signIn();
    const forged = await privateKeyToAccount(bob.privateKey).signTypedData({
      domain: {
        name: 'Tender',
        version: '1',
        chainId: h.deployment.chainId,
        verifyingContract: h.deployment.addresses.market,
      },
      types: {
        Bid: [
          { name: 'jobId', type: 'bytes32' },
          { name: 'price', type: 'uint256' },
          { name: 'etaMs', type: 'uint64' },
          { name: 'expiresAt', type: 'uint64' },
          { name: 'prover', type: 'address' },
        ],
      },
      primaryType: 'Bid',
      message: {
        jobId: job.chainJobId as `0x${string}`,
        price: 1n,
        etaMs: 1_000n,
        expiresAt: BigInt(Math.floor(now() / 1000) + 600),
        prover: carol.address,
      },
    });
    const res = await post(
      `/v1/auctions/${opened.auctionId}/bids`,
      { price: '1', etaMs: 1_000, expiresAt: Math.floor(now() / 1000) + 600, signature: forged },
      token,
    );
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TENDER_SIGNATURE_INVALID');
  });

  it("gives an awarded assignment back with abandon, and refuses someone else's", async () => {
    const c = client(carol);
    await c.heartbeat();
    const job = await insertJob(3);
    const opened = await openAuction(h.deps, job.id, 1);
    const stream = follow(c);
    try {
      const invitation = await stream.until(
        (e): e is InvitationEvent => isInvitation(e) && e.auctionId === opened.auctionId,
      );
      await c.bid(invitation, { price: 10n ** 15n, etaMs: 5_000 });
      skewMs += 31_000;
      await c.heartbeat();
      expect(await closeAuction(h.deps, opened.auctionId!)).toMatchObject({ status: 'awarded' });
      const award = await stream.until((e): e is AwardEvent => isAward(e) && e.jobId === job.id);
      const { token } = await client(alice).signIn();
      const stranger = await post(`/v1/assignments/${award.assignmentId}/abandon`, {}, token);
      expect(stranger.statusCode).toBe(403);
      await c.abandon(award.assignmentId);
      expect(
        (await h.deps.prisma.assignment.findUniqueOrThrow({ where: { id: award.assignmentId } })).status,
      ).toBe('abandoned');
    } finally {
      await stream.close();
    }
  });
});
