import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '@tender/api';
import { chainFor, devAccounts, tenderMarketAbi } from '@tender/chain';
import { buildBuiltinCircuit } from '@tender/circuits';
import type { JobEvent, JobStatus } from '@tender/core';
import { createRequester, moveJob } from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import { terminateCurves } from '@tender/zk';
import type { FastifyInstance } from 'fastify';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputHashOf } from './inputHash.ts';
import { TenderClient } from './requesterClient.ts';
import { TenderApiError, TenderJobEndedError, TenderTimeoutError } from './requesterErrors.ts';

let h: MarketHarness;
let artifactsDir: string;
let app: FastifyInstance;
let client: TenderClient;
let baseUrl: string;
const account = privateKeyToAccount(devAccounts.requesters[2].privateKey);
const input = { pixels: [0, 0, 9, 200, 0, 0, 180, 255, 1, 2, 3, 4, 5, 6, 7, 8], salt: 5n };

beforeAll(async () => {
  h = await createMarketHarness();
  artifactsDir = await mkdtemp(join(tmpdir(), 'tender-sdk-test-'));
  app = await buildApp({
    checks: {},
    context: {
      market: h.deps,
      redis: h.redis,
      redisPrefix: h.redisPrefix,
      artifactsDir,
      operator: createWalletClient({
        account: privateKeyToAccount(devAccounts.operator.privateKey),
        chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
        transport: http(h.anvil.rpcUrl),
      }),
      sessionSecret: 'sdk-test',
      publicUrl: 'http://127.0.0.1',
    },
  });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const { apiKey } = await createRequester(h.deps, { name: 'sdk', address: account.address });
  client = new TenderClient({ baseUrl, apiKey, account });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await h?.close();
  await terminateCurves();
  if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
});

/** The core event that brings a job into each status on the happy path. */
const eventInto: Partial<Record<JobStatus, JobEvent>> = {
  auctioning: 'auction_opened',
  assigned: 'bid_awarded',
  proving: 'proving_started',
  proven: 'proof_accepted',
  batched: 'proof_batched',
  verified: 'batch_confirmed',
};

/** Moves a job along its lifecycle as the scheduler/aggregator would, publishing each change. */
async function advance(jobId: string, path: JobStatus[]): Promise<void> {
  let from: JobStatus = 'submitted';
  for (const to of path) {
    const event = eventInto[to];
    if (event === undefined) throw new Error(`no happy-path event into ${to}`);
    const job = await h.deps.prisma.$transaction((tx) =>
      moveJob(tx, { jobId, from, event, now: new Date() }),
    );
    await h.events.job(jobId, { type: 'status', jobId, status: to, at: Date.now(), round: job?.round ?? 0 });
    from = to;
  }
}

describe('TenderClient (requester)', () => {
  it('registers circuits, submits a signed job and reads, lists and cancels it over HTTP', async () => {
    const builtin = await client.registerBuiltinCircuit('tiny');
    expect(builtin).toMatchObject({ name: 'tiny', builtin: true });
    const tiny = await buildBuiltinCircuit('tiny');
    const uploaded = await client.registerCircuit({
      name: 'tiny again',
      wasm: await readFile(tiny.wasmPath),
      zkey: await readFile(tiny.zkeyPath),
      vkey: await readFile(tiny.vkeyPath),
      r1cs: await readFile(tiny.r1csPath),
      sym: await readFile(tiny.symPath),
    });
    expect(uploaded.id).toBe(builtin.id);
    expect((await client.listCircuits()).map((c) => c.id)).toEqual([builtin.id]);
    expect((await client.getCircuit(builtin.id)).inputSignals.map((s) => s.name)).toEqual(['pixels', 'salt']);

    const market = await client.getMarket();
    expect(market).toMatchObject({ chainId: h.deployment.chainId, market: h.deployment.addresses.market });
    const before = await client.escrowBalance();
    await client.deposit(10n ** 16n);
    expect(await client.escrowBalance()).toBe(before + 10n ** 16n);

    const deadline = Math.floor(Date.now() / 1000) + 300;
    const job = await client.submitJob({ circuitId: builtin.id, input, maxFee: 10n ** 15n, deadline });
    expect(job).toMatchObject({ status: 'submitted', nonce: '0', deadline, maxFee: '1000000000000000' });
    const onChainId = await h.deps.publicClient.readContract({
      address: market.market,
      abi: tenderMarketAbi,
      functionName: 'jobIdOf',
      args: [
        {
          requester: account.address,
          circuitId: builtin.id,
          inputHash: inputHashOf(input),
          maxFee: 10n ** 15n,
          deadline: BigInt(deadline),
          nonce: 0n,
        },
      ],
    });
    expect(job.chainJobId).toBe(onChainId);
    expect((await client.getJob(job.id)).inputHash).toBe(inputHashOf(input));
    expect((await client.listJobs({ status: 'submitted' })).items.map((j) => j.id)).toEqual([job.id]);
    expect((await client.me()).nextNonce).toBe('1');

    expect((await client.cancelJob(job.id)).status).toBe('cancelled');
    await expect(client.waitForJob(job.id, { timeoutMs: 5_000 })).rejects.toBeInstanceOf(TenderJobEndedError);
  });

  it('waits for a job to be verified by following its events', async () => {
    const [circuit] = await client.listCircuits();
    const job = await client.submitJob({ circuitId: circuit?.id as string, input, maxFee: '5000' });
    const waiting = client.waitForJob(job.id, { until: 'verified', timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await advance(job.id, ['auctioning', 'assigned', 'proven', 'batched', 'verified']);
    const done = await waiting;
    expect(done.status).toBe('verified');
    expect(done.verifiedAt).not.toBeNull();
  });

  it('raises TenderApiError with the api’s code, and TenderTimeoutError when the wait runs out', async () => {
    const [circuit] = await client.listCircuits();
    const circuitId = circuit?.id as string;
    const bad = await client
      .submitJob({ circuitId, input: { ...input, pixels: input.pixels.slice(2) }, maxFee: 1n })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TenderApiError);
    expect(bad).toMatchObject({ status: 400, code: 'TENDER_INPUT_INVALID', details: { signal: 'pixels' } });

    const stranger = new TenderClient({
      baseUrl,
      apiKey: 'tnd_000000000000_not-a-real-key-not-a-real-key-00',
    });
    await expect(stranger.listJobs()).rejects.toMatchObject({ code: 'TENDER_UNAUTHORIZED', status: 401 });

    const job = await client.submitJob({ circuitId, input, maxFee: 1n });
    await expect(client.waitForJob(job.id, { until: 'proven', timeoutMs: 500 })).rejects.toBeInstanceOf(
      TenderTimeoutError,
    );
  });
});
