import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainFor, circuitRegistryAbi, devAccounts, tenderMarketAbi } from '@tender/chain';
import { loadBuiltinModel, referenceInference } from '@tender/circuits';
import type { JobEvent, JobStatus } from '@tender/core';
import type { TenderPrisma } from '@tender/db';
import { insertProver } from '@tender/db/testing';
import {
  channels,
  createRequester,
  moveJob,
  type ProverEvent,
  registerBuiltinCircuit,
  reserveNonce,
  subscribeEvents,
} from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import { inputHashOf, marketDomain, SECP256K1_N, signJobRequest } from '@tender/sdk';
import { SNARK_SCALAR_FIELD, terminateCurves } from '@tender/zk';
import type { FastifyInstance } from 'fastify';
import {
  concatHex,
  createWalletClient,
  type Hex,
  hexToBigInt,
  http,
  type LocalAccount,
  numberToHex,
  parseSignature,
  serializeCompactSignature,
  signatureToCompactSignature,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { ApiContext } from '../context.ts';

/** Moves a job by a core event in its own transaction (market `moveJob`, the one way a status changes). */
const transitionJob = (prisma: TenderPrisma, move: { jobId: string; from: JobStatus; event: JobEvent }) =>
  prisma.$transaction((tx) => moveJob(tx, { ...move, now: new Date() }));

let h: MarketHarness;
let artifactsDir: string;
let app: FastifyInstance;
let baseUrl: string;
let circuitId: Hex;
const account = privateKeyToAccount(devAccounts.requesters[0].privateKey);
const stranger = privateKeyToAccount(devAccounts.requesters[1].privateKey);
let me: { id: string; apiKey: string };
let other: { id: string; apiKey: string };
const pixels = [255, 250, 240, 230, 10, 0, 0, 5, 3, 2, 1, 0, 0, 0, 0, 7];
const goodInput = { pixels, salt: '42' };

beforeAll(async () => {
  h = await createMarketHarness();
  artifactsDir = await mkdtemp(join(tmpdir(), 'tender-jobs-test-'));
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
    sessionSecret: 'jobs-test',
    publicUrl: 'http://127.0.0.1',
  };
  const registered = await registerBuiltinCircuit(h.deps, operator, artifactsDir, 'tiny');
  expect(registered.created).toBe(true);
  circuitId = registered.circuit.id;
  app = await buildApp({ checks: {}, context: ctx });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const a = await createRequester(h.deps, { name: 'me', address: account.address });
  const b = await createRequester(h.deps, { name: 'other', address: stranger.address });
  me = { id: a.requester.id, apiKey: a.apiKey };
  other = { id: b.requester.id, apiKey: b.apiKey };
}, 120_000);

afterAll(async () => {
  await app?.close();
  await h?.close();
  await terminateCurves();
  if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
});

interface SignOptions {
  input?: unknown;
  maxFee?: bigint;
  deadline?: number;
  nonce?: bigint;
  signer?: LocalAccount;
  signedInput?: unknown;
  signedMaxFee?: bigint;
}

async function signedBody(o: SignOptions = {}) {
  const input = o.input ?? goodInput;
  const maxFee = o.maxFee ?? 10n ** 15n;
  const deadline = o.deadline ?? Math.floor(Date.now() / 1000) + 600;
  const nonce = o.nonce ?? (await reserveNonce(h.deps, me.id));
  const requestSignature = await signJobRequest(
    o.signer ?? account,
    marketDomain(h.deployment.chainId, h.deployment.addresses.market),
    {
      requester: account.address,
      circuitId,
      inputHash: inputHashOf(o.signedInput ?? input),
      maxFee: o.signedMaxFee ?? maxFee,
      deadline: BigInt(deadline),
      nonce,
    },
  );
  return { circuitId, input, maxFee: maxFee.toString(), deadline, nonce: nonce.toString(), requestSignature };
}

const post = (body: unknown, key?: string, apiKey = me.apiKey) =>
  app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: `Bearer ${apiKey}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: body as Record<string, unknown>,
  });
const get = (url: string, apiKey = me.apiKey) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${apiKey}` } });
const del = (id: string) =>
  app.inject({ method: 'DELETE', url: `/v1/jobs/${id}`, headers: { authorization: `Bearer ${me.apiKey}` } });

const queuedRounds = async () => (await h.queues.queues.auctions.getJobs(['waiting', 'delayed'])).length;

describe('POST /v1/jobs', () => {
  it('refuses every invalid input naming the signal, before anything is stored or queued', async () => {
    const jobsBefore = await h.deps.prisma.job.count();
    const queuedBefore = await queuedRounds();
    const cases: [unknown, string | null][] = [
      [{ pixels }, 'salt'],
      [{ ...goodInput, bias: 1 }, 'bias'],
      [{ ...goodInput, pixels: pixels.slice(1) }, 'pixels'],
      [{ ...goodInput, pixels: pixels.map((p, i) => (i === 3 ? 1.5 : p)) }, 'pixels[3]'],
      [{ ...goodInput, salt: SNARK_SCALAR_FIELD.toString() }, 'salt'],
      [{ ...goodInput, pixels: pixels.map((p, i) => (i === 0 ? 'lots' : p)) }, 'pixels[0]'],
      [{ ...goodInput, pixels: pixels.map((p, i) => (i === 5 ? 256 : p)) }, null], // breaks a circuit assertion
    ];
    for (const [input, signal] of cases) {
      const res = await post(await signedBody({ input }), `bad-${signal}`);
      expect(res.statusCode, JSON.stringify(input)).toBe(400);
      const problem = res.json();
      expect(problem.code).toBe('TENDER_INPUT_INVALID');
      if (signal === null) expect(problem.details.reason).toBe('witness_failed');
      else {
        expect(problem.details.signal).toBe(signal);
        expect(problem.detail).toContain(signal);
      }
    }
    expect(await h.deps.prisma.job.count()).toBe(jobsBefore);
    expect(await queuedRounds()).toBe(queuedBefore);
  });

  it('refuses a bad fee, deadline, webhook or circuit', async () => {
    const now = Math.floor(Date.now() / 1000);
    const zeroFee = await post(await signedBody({ maxFee: 0n }));
    expect(zeroFee.json().code).toBe('TENDER_AMOUNT_INVALID');
    const past = await post(await signedBody({ deadline: now - 5 }));
    expect(past.json().code).toBe('TENDER_DEADLINE_INVALID');
    const tooFar = await post(await signedBody({ deadline: now + 30 * 24 * 3600 }));
    expect(tooFar.json().code).toBe('TENDER_DEADLINE_INVALID');
    const ftp = await post({ ...(await signedBody()), webhookUrl: 'ftp://example.com/hook' });
    expect(ftp.json()).toMatchObject({ code: 'TENDER_VALIDATION_FAILED', details: { field: 'webhookUrl' } });
    const unknown = await post({ ...(await signedBody()), circuitId: `0x${'ab'.repeat(32)}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('TENDER_CIRCUIT_NOT_FOUND');
    const extra = await post({ ...(await signedBody()), surprise: true });
    expect(extra.statusCode).toBe(400);
    expect(await h.deps.prisma.job.count()).toBe(0);
  });

  it('refuses a request signature that is missing, not the requester’s, or over other terms', async () => {
    // Missing: the body schema requires it (documented in OpenAPI), so it is a validation failure.
    const { requestSignature: _, ...unsigned } = await signedBody();
    const missing = await post(unsigned);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('TENDER_VALIDATION_FAILED');
    expect(JSON.stringify(missing.json())).toContain('requestSignature');
    const cases = [
      await signedBody({ signer: stranger }),
      await signedBody({ signedMaxFee: 1n }),
      await signedBody({ signedInput: { ...goodInput, salt: '43' } }),
      { ...(await signedBody()), requestSignature: '0xdeadbeef' },
    ];
    for (const body of cases) {
      const res = await post(body);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('TENDER_SIGNATURE_INVALID');
    }
    expect(await h.deps.prisma.job.count()).toBe(0);
  });

  it('refuses the high-s twin, the v 0/1 form and the 64-byte form of a valid request signature (the contract refuses them)', async () => {
    const body = await signedBody();
    const { r, s, yParity } = parseSignature(body.requestSignature);
    const highS = numberToHex(SECP256K1_N - hexToBigInt(s), { size: 32 });
    const forms = {
      highS: concatHex([r, highS, numberToHex(yParity === 0 ? 28 : 27, { size: 1 })]),
      vZeroOne: concatHex([r, s, numberToHex(yParity ?? 0, { size: 1 })]),
      compact: serializeCompactSignature(signatureToCompactSignature(parseSignature(body.requestSignature))),
      trailing: concatHex([body.requestSignature, '0x00']),
    };
    for (const [form, requestSignature] of Object.entries(forms)) {
      const res = await post({ ...body, requestSignature });
      expect(res.statusCode, form).toBe(401);
      expect(res.json().code, form).toBe('TENDER_SIGNATURE_INVALID');
    }
    expect(await h.deps.prisma.job.count()).toBe(0);
  });

  it('stores a signed job with its on-chain id and expected public signals, and queues round 1', async () => {
    const body = await signedBody();
    const res = await post(body, 'first-job');
    expect(res.statusCode).toBe(202);
    const job = res.json();
    expect(job).toMatchObject({
      status: 'submitted',
      circuitId,
      requester: account.address,
      maxFee: body.maxFee,
      deadline: body.deadline,
      nonce: body.nonce,
      round: 0,
      idempotencyKey: 'first-job',
      auctions: [],
      assignment: null,
      proof: null,
      batch: null,
    });
    const onChainId = await h.deps.publicClient.readContract({
      address: h.deployment.addresses.market,
      abi: tenderMarketAbi,
      functionName: 'jobIdOf',
      args: [
        {
          requester: account.address,
          circuitId,
          inputHash: inputHashOf(goodInput),
          maxFee: BigInt(body.maxFee),
          deadline: BigInt(body.deadline),
          nonce: BigInt(body.nonce),
        },
      ],
    });
    expect(job.chainJobId).toBe(onChainId);
    const reference = await referenceInference(await loadBuiltinModel('tiny'), pixels, { salt: 42n });
    expect(job.expectedPublicSignals).toEqual([
      reference.inputCommitment.toString(),
      reference.prediction.toString(),
    ]);
    expect(await h.queues.queues.auctions.getJob(`open-auction.${job.id}.1`)).toBeDefined();
    const log = await h.deps.prisma.jobEvent.findMany({ where: { jobId: job.id } });
    expect(log.map((e) => e.toStatus)).toEqual(['submitted']);
  });

  it('replays the same submission under one Idempotency-Key and refuses a different one', async () => {
    const body = await signedBody();
    const replies = await Promise.all([1, 2, 3, 4].map(() => post(body, 'replayed')));
    const ids = new Set(replies.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    expect(replies.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 202]);
    const later = await post(body, 'replayed');
    expect(later.statusCode).toBe(200);
    const changed = await post(await signedBody({ maxFee: 2n * 10n ** 15n }), 'replayed');
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({
      code: 'TENDER_IDEMPOTENCY_CONFLICT',
      details: { jobId: [...ids][0] },
    });
    expect(await h.deps.prisma.job.count({ where: { idempotencyKey: 'replayed' } })).toBe(1);
  });

  it('refuses a nonce that was never reserved and one another job spent', async () => {
    const requester = await h.deps.prisma.requester.findUniqueOrThrow({ where: { id: me.id } });
    const unreserved = await post(await signedBody({ nonce: requester.nextNonce + 5n }));
    expect(unreserved.statusCode).toBe(400);
    expect(unreserved.json().code).toBe('TENDER_NONCE_NOT_RESERVED');
    const nonce = await reserveNonce(h.deps, me.id);
    expect((await post(await signedBody({ nonce }), 'spender')).statusCode).toBe(202);
    const reuse = await post(await signedBody({ nonce, input: { ...goodInput, salt: '7' } }), 'reuser');
    expect(reuse.statusCode).toBe(409);
    expect(reuse.json().code).toBe('TENDER_NONCE_USED');
  });
});

describe('job reads', () => {
  it('answers 401 without an API key and 404 for another requester’s job', async () => {
    const noKey = await app.inject({ method: 'GET', url: '/v1/jobs' });
    expect(noKey.statusCode).toBe(401);
    expect(noKey.json().code).toBe('TENDER_UNAUTHORIZED');
    const { id } = (await post(await signedBody())).json();
    const theirs = await get(`/v1/jobs/${id}`, other.apiKey);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('TENDER_JOB_NOT_FOUND');
    expect((await get('/v1/jobs/not-a-uuid')).statusCode).toBe(404);
  });

  it('lists jobs newest first, by status, a page at a time', async () => {
    const all = (await get('/v1/jobs?limit=200')).json();
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    const ids = all.items.map((j: { id: string }) => j.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    const page1 = (await get('/v1/jobs?limit=2')).json();
    const page2 = (await get(`/v1/jobs?limit=2&cursor=${page1.nextCursor}`)).json();
    expect([...page1.items, ...page2.items].map((j: { id: string }) => j.id)).toEqual(ids.slice(0, 4));
    expect((await get('/v1/jobs?status=verified')).json().items).toEqual([]);
    expect((await get('/v1/jobs', other.apiKey)).json().items).toEqual([]);
    expect((await get('/v1/jobs?limit=ten')).statusCode).toBe(400);
  });

  it('shows the rounds, assignment, accepted proof and settled batch with its inclusion proof', async () => {
    const { id } = (await post(await signedBody())).json();
    const p = h.deps.prisma;
    const prover = await insertProver(p);
    await transitionJob(p, { jobId: id, from: 'submitted', event: 'auction_opened' });
    const auction = await p.auction.create({
      data: {
        jobId: id,
        round: 1,
        status: 'awarded',
        opensAt: new Date(),
        closesAt: new Date(),
        invitedProverIds: [prover.id],
      },
    });
    const assignment = await p.assignment.create({
      data: {
        jobId: id,
        auctionId: auction.id,
        proverId: prover.id,
        round: 1,
        priceWei: '700000000000000',
        collateralLockedWei: '1500000000000000',
        deadline: new Date(Date.now() + 60_000),
        status: 'accepted',
      },
    });
    const signals = ['1', '2'];
    await p.proof.create({
      data: {
        assignmentId: assignment.id,
        jobId: id,
        proverId: prover.id,
        proof: {
          pi_a: ['1', '2', '1'],
          pi_b: [
            ['1', '2'],
            ['3', '4'],
            ['1', '0'],
          ],
          pi_c: ['5', '6', '1'],
        },
        publicSignals: signals,
        proofHash: `0x${'11'.repeat(32)}`,
        publicSignalsHash: `0x${'22'.repeat(32)}`,
        proverSignature: '0x00',
        status: 'valid',
      },
    });
    const batch = await p.batch.create({
      data: {
        status: 'confirmed',
        size: 1,
        merkleRoot: `0x${'33'.repeat(32)}`,
        txHash: `0x${'44'.repeat(32)}`,
        blockNumber: 99n,
        chainBatchId: 3n,
        confirmedAt: new Date(),
      },
    });
    await p.batchItem.create({
      data: {
        batchId: batch.id,
        jobId: id,
        leafIndex: 0,
        leafHash: `0x${'55'.repeat(32)}`,
        merkleProof: [`0x${'66'.repeat(32)}`],
      },
    });
    const view = (await get(`/v1/jobs/${id}`)).json();
    expect(view.auctions).toEqual([
      expect.objectContaining({ round: 1, status: 'awarded', invited: 1, bids: 0 }),
    ]);
    expect(view.assignment).toMatchObject({
      prover: expect.stringMatching(/^0x/),
      price: '700000000000000',
      status: 'accepted',
    });
    expect(view.assignment.prover.toLowerCase()).toBe(prover.address);
    expect(view.price).toBe('700000000000000');
    expect(view.publicSignals).toEqual(signals);
    expect(view.proof.proof.pi_b).toEqual([
      ['1', '2'],
      ['3', '4'],
      ['1', '0'],
    ]);
    expect(view.batch).toEqual({
      id: batch.id,
      status: 'confirmed',
      txHash: `0x${'44'.repeat(32)}`,
      blockNumber: '99',
      root: `0x${'33'.repeat(32)}`,
      chainBatchId: '3',
      leafIndex: 0,
      leafHash: `0x${'55'.repeat(32)}`,
      inclusionProof: [`0x${'66'.repeat(32)}`],
    });
  });
});

describe('DELETE /v1/jobs/:id', () => {
  it('cancels a submitted job, and a cancelled one stays cancelled', async () => {
    const { id } = (await post(await signedBody())).json();
    const res = await del(id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'cancelled', statusReason: 'cancelled by the requester' });
    expect((await del(id)).json().status).toBe('cancelled');
  });

  it('cancels an auctioning job, closes its round and tells the invited provers', async () => {
    const { id } = (await post(await signedBody())).json();
    const prover = await insertProver(h.deps.prisma);
    await transitionJob(h.deps.prisma, { jobId: id, from: 'submitted', event: 'auction_opened' });
    const auction = await h.deps.prisma.auction.create({
      data: {
        jobId: id,
        round: 1,
        opensAt: new Date(),
        closesAt: new Date(Date.now() + 1_000),
        invitedProverIds: [prover.id],
      },
    });
    const received: ProverEvent[] = [];
    const sub = await subscribeEvents<ProverEvent>(h.redis, channels.prover(h.redisPrefix, prover.id), (e) =>
      received.push(e),
    );
    try {
      expect((await del(id)).json().status).toBe('cancelled');
      await expect.poll(() => received.length).toBe(1);
      expect(received[0]).toMatchObject({ type: 'cancellation', jobId: id, auctionId: auction.id });
      expect((await h.deps.prisma.auction.findUniqueOrThrow({ where: { id: auction.id } })).status).toBe(
        'cancelled',
      );
    } finally {
      await sub.close();
    }
  });

  it('refuses to cancel once a prover was awarded the job', async () => {
    const { id } = (await post(await signedBody())).json();
    await transitionJob(h.deps.prisma, { jobId: id, from: 'submitted', event: 'auction_opened' });
    await transitionJob(h.deps.prisma, { jobId: id, from: 'auctioning', event: 'bid_awarded' });
    const res = await del(id);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'TENDER_JOB_NOT_CANCELLABLE', details: { status: 'assigned' } });
  });
});

describe('GET /v1/jobs/:id/events', () => {
  it('sends the current status, then live changes, and ends after a final status', async () => {
    const { id } = (await post(await signedBody())).json();
    const res = await fetch(`${baseUrl}/v1/jobs/${id}/events`, {
      headers: { authorization: `Bearer ${me.apiKey}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const nextEvent = async () => {
      for (;;) {
        const end = text.indexOf('\n\n');
        if (end >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) return JSON.parse(data.slice(6));
          continue;
        }
        const { value, done } = await reader.read();
        if (done) return null;
        text += value;
      }
    };
    expect(await nextEvent()).toMatchObject({ type: 'status', jobId: id, status: 'submitted' });
    await h.events.job(id, { type: 'status', jobId: id, status: 'auctioning', at: Date.now() + 5, round: 1 });
    expect(await nextEvent()).toMatchObject({ status: 'auctioning', round: 1 });
    expect((await del(id)).statusCode).toBe(200);
    expect(await nextEvent()).toMatchObject({ status: 'cancelled' });
    expect(await nextEvent()).toBeNull();
  });

  it('drops its Redis subscription when the client goes away', async () => {
    const { id } = (await post(await signedBody())).json();
    const channel = channels.job(h.redisPrefix, id);
    const subscribers = async () =>
      Number(((await h.redis.pubsub('NUMSUB', channel)) as [string, number])[1]);
    const abort = new AbortController();
    const res = await fetch(`${baseUrl}/v1/jobs/${id}/events`, {
      headers: { authorization: `Bearer ${me.apiKey}` },
      signal: abort.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await expect.poll(subscribers).toBe(1);
    abort.abort();
    await expect.poll(subscribers).toBe(0);
  });

  it('refuses a stream of another requester’s job', async () => {
    const { id } = (await post(await signedBody())).json();
    const res = await fetch(`${baseUrl}/v1/jobs/${id}/events`, {
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    expect(res.status).toBe(404);
  });
});

describe('registerBuiltinCircuit', () => {
  it('registered the tiny circuit’s verification key hash in the on-chain registry', async () => {
    const row = await h.deps.prisma.circuit.findUniqueOrThrow({ where: { id: circuitId } });
    const onChain = await h.deps.publicClient.readContract({
      address: h.deployment.addresses.registry,
      abi: circuitRegistryAbi,
      functionName: 'vkHashOf',
      args: [circuitId],
    });
    expect(onChain).toBe(row.vkeyHash);
    expect(row).toMatchObject({ builtin: true, name: 'tiny' });
  });
});
