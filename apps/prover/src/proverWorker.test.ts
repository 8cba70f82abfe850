import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ApiContext, buildApp } from '@tender/api';
import { chainFor, type DevAccount, devAccounts, tenderStakingAbi } from '@tender/chain';
import { loadBuiltinModel, modelInput } from '@tender/circuits';
import { createRequester, readStake, registerBuiltinCircuit } from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import { createRedisConnection } from '@tender/queue';
import { type Scheduler, startScheduler } from '@tender/scheduler';
import { TenderClient } from '@tender/sdk';
import { repoRoot } from '@tender/zk';
import type { FastifyInstance } from 'fastify';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalBackend } from './externalBackend.ts';
import { createProverWorker, type ProverWorker, type ProverWorkerOptions } from './proverWorker.ts';
import type { ProvingBackend } from './provingBackend.ts';
import { snarkjsBackend } from './snarkjsBackend.ts';

// A real market (Postgres, Redis, anvil), the api listening on a free port, the scheduler's
// BullMQ workers, and prover workers talking to the api over HTTP/SSE only.
let h: MarketHarness;
let api: FastifyInstance;
let scheduler: Scheduler;
let base: string;
let dataDir: string;
let requester: TenderClient;
let circuitId: string;
let input: Record<string, unknown>;
const workers: ProverWorker[] = [];
const snarkjsProve = ['node', path.join(repoRoot, 'node_modules/snarkjs/cli.js'), 'groth16', 'prove'];
const [alice, bob, carol] = devAccounts.provers as unknown as [DevAccount, DevAccount, DevAccount];

beforeAll(async () => {
  h = await createMarketHarness();
  dataDir = await mkdtemp(path.join(tmpdir(), 'tender-prover-worker-'));
  const operator = createWalletClient({
    account: privateKeyToAccount(devAccounts.operator.privateKey),
    chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
    transport: http(h.anvil.rpcUrl),
  });
  const ctx: ApiContext = {
    market: h.deps,
    redis: h.redis,
    redisPrefix: h.redisPrefix,
    artifactsDir: path.join(dataDir, 'api-artifacts'),
    operator,
    sessionSecret: 'prover-worker-test',
    publicUrl: 'http://127.0.0.1',
  };
  api = await buildApp({ checks: {}, context: ctx });
  base = await api.listen({ port: 0, host: '127.0.0.1' });
  ctx.publicUrl = base;
  scheduler = await startScheduler({
    market: h.deps,
    connection: () => createRedisConnection('redis://127.0.0.1:6379'),
    prefix: h.redisPrefix,
    reconcileIntervalMs: 1_000,
  });
  const { circuit } = await registerBuiltinCircuit(h.deps, operator, ctx.artifactsDir, 'tiny');
  circuitId = circuit.id;
  const account = privateKeyToAccount(devAccounts.requesters[0].privateKey);
  const { apiKey } = await createRequester(h.deps, { name: 'worker test', address: account.address });
  requester = new TenderClient({ baseUrl: base, apiKey, account });
  input = modelInput(
    await loadBuiltinModel('tiny'),
    [0, 0, 7, 7, 0, 0, 7, 7, 1, 0, 0, 0, 0, 1, 0, 0],
  ) as Record<string, unknown>;
  await Promise.all([alice, carol].map(stake)); // bob stakes through the worker (ensureStake)
});
afterAll(async () => {
  for (const worker of workers) await worker.stop({ graceMs: 0 });
  await scheduler?.close();
  await api?.close();
  await h?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function stake(account: DevAccount): Promise<void> {
  const wallet = createWalletClient({
    account: privateKeyToAccount(account.privateKey),
    chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
    transport: http(h.anvil.rpcUrl),
  });
  const hash = await wallet.writeContract({
    address: h.deployment.addresses.staking,
    abi: tenderStakingAbi,
    functionName: 'stake',
    value: 10n ** 18n,
  });
  await h.deps.publicClient.waitForTransactionReceipt({ hash });
}

async function worker(
  account: DevAccount,
  backend: ProvingBackend,
  extra: Partial<ProverWorkerOptions> = {},
): Promise<ProverWorker> {
  const w = createProverWorker({
    ...extra,
    apiUrl: base,
    account: privateKeyToAccount(account.privateKey),
    kind: 'cpu',
    concurrency: 1,
    backend,
    cacheDir: path.join(dataDir, account.address.toLowerCase()),
    memoryMb: 4_096,
    heartbeatMs: 1_000,
    ...(process.env.PROVER_TEST_LOG
      ? {
          log: (l: string, m: string, f?: unknown) =>
            console.log(account.address.slice(0, 6), l, m, JSON.stringify(f ?? {})),
        }
      : {}),
  });
  workers.push(w);
  await w.start();
  return w;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const submit = () => requester.submitJob({ circuitId, input, maxFee: 10n ** 16n });

/** Corrupts every proof it computes (A and C swapped: well-formed points, failing pairing). */
function dishonest(inner: ProvingBackend): ProvingBackend {
  return {
    name: 'dishonest',
    async prove(task) {
      const { proof, publicSignals } = await inner.prove(task);
      return { proof: { ...proof, pi_a: proof.pi_c, pi_c: proof.pi_a }, publicSignals };
    },
    close: () => inner.close(),
  };
}

/** Wins, then never finishes (it ignores the abort signal on purpose). */
const silent: ProvingBackend = { name: 'silent', prove: () => new Promise(() => {}), close: async () => {} };

describe('prover worker against a real api and scheduler', () => {
  it('wins an auction, fetches and caches the artifacts by hash, proves and gets the proof accepted', async () => {
    const w = await worker(alice, snarkjsBackend());
    const job = await submit();
    const proven = await requester.waitForJob(job.id, { until: 'proven', timeoutMs: 60_000 });
    expect(proven.status).toBe('proven');
    expect(w.stats).toMatchObject({ bids: 1, awards: 1, proofsAccepted: 1, proofsRejected: 0 });
    const speeds = JSON.parse(
      await readFile(path.join(dataDir, alice.address.toLowerCase(), 'speeds.json'), 'utf8'),
    );
    expect(speeds.circuits[`snarkjs:${circuitId}`].samplesMs).toHaveLength(1);
    const cached = await readdir(path.join(dataDir, alice.address.toLowerCase(), 'artifacts'));
    // Named by content hash (the hashes change with every fresh ceremony, so compare the shape, not the order).
    expect(cached.map((file) => file.replace(/^[0-9a-f]{64}\./, '<sha256>.')).sort()).toEqual([
      '<sha256>.wasm',
      '<sha256>.zkey',
    ]);
    await until(
      async () => (await w.client.me()).cachedCircuitIds.includes(circuitId),
      'the cache heartbeat',
    );
    await w.stop();
  });

  it('a dishonest backend gets 422 and the job is re-auctioned to an honest external-backend prover', async () => {
    const cheat = await worker(bob, dishonest(snarkjsBackend()), { stake: { amountWei: 10n ** 18n } });
    expect(await readStake(h.deps, bob.address)).toBe(10n ** 18n);
    const job = await submit();
    await until(() => cheat.stats.proofsRejected === 1, 'the corrupted proof to be refused');
    expect(cheat.stats.proofsAccepted).toBe(0);
    const honest = await worker(
      carol,
      externalBackend({ command: snarkjsProve, workDir: path.join(dataDir, 'external-work') }),
    );
    const proven = await requester.waitForJob(job.id, { until: 'proven', timeoutMs: 60_000 });
    expect(proven.status).toBe('proven');
    expect(honest.stats.proofsAccepted).toBe(1);
    expect(await h.deps.prisma.slash.count({ where: { jobId: job.id } })).toBe(1);
    await Promise.all([cheat.stop(), honest.stop()]);
  });

  it('on shutdown abandons the work it cannot finish within the grace period', async () => {
    const w = await worker(alice, silent);
    const job = await submit();
    await until(() => w.stats.awards === 1, 'the award');
    const started = Date.now();
    await w.stop({ graceMs: 300 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(w.stats.abandoned).toBe(1);
    const assignment = await h.deps.prisma.assignment.findFirstOrThrow({ where: { jobId: job.id } });
    expect(assignment.status).toBe('abandoned');
  });

  it('keeps a proof that outran its deadline as a slow sample, so its next bids promise more time', async () => {
    // No download or safety allowance: the promised time (and so the deadline) is short.
    const w = await worker(carol, silent, { pricing: { guessBaseMs: 300, fetchMs: 300, safetyBps: 0 } });
    const book = path.join(dataDir, carol.address.toLowerCase(), 'speeds.json');
    const samples = async (): Promise<number[]> =>
      JSON.parse(await readFile(book, 'utf8')).circuits[`silent:${circuitId}`]?.samplesMs ?? [];
    await submit(); // it may win this job or one re-auctioned after an earlier test: either will do
    await until(async () => (await samples()).length === 1, 'the late proof to be recorded', 30_000);
    const assignment = await h.deps.prisma.assignment.findFirstOrThrow({
      where: { prover: { address: carol.address.toLowerCase() }, status: { not: 'accepted' } },
    });
    expect(assignment.status).toBe('failed_deadline');
    const [late] = await samples();
    // It ran at least from the award to the deadline (less the award's trip here).
    expect(late).toBeGreaterThanOrEqual(
      assignment.deadline.getTime() - assignment.createdAt.getTime() - 1_000,
    );
    await w.stop({ graceMs: 0 });
  });
});
