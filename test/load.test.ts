import path from 'node:path';
import { devAccounts } from '@tender/chain';
import { loadBuiltinModel, modelInput } from '@tender/circuits';
import { createRequester } from '@tender/market';
import {
  createProverWorker,
  type ProverWorker,
  type ProvingBackend,
  type ProvingResult,
  snarkjsBackend,
} from '@tender/prover';
import { TenderClient } from '@tender/sdk';
import { type Hex, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './support/appProcesses.ts';
import { checkMarketInvariants, type InvariantReport, marketBalances } from './support/marketInvariants.ts';
import { type MarketStack, startMarketStack } from './support/marketStack.ts';
import { report, scaled } from './support/scale.ts';
import { distinctPixelImages, seededRandom } from './support/seededRandom.ts';

// Load: many jobs through the whole market (REST → auction → three provers → batches on-chain)
// on real Postgres, Redis, anvil and snarkjs. The jobs repeat a few distinct statements; the load
// provers prove each statement once for real and reuse that proof for the identical statements
// after it. The market does not know: the api verifies every submitted proof and the batch is
// verified off-chain and on-chain as always. Reported: sustained jobs/s, p50/p95 latency from
// submission to verified, errors, and jobs lost (must be 0).

const JOBS = scaled(100, 2_000);
const STATEMENTS = 8;
const SUBMITTERS = 16;
const suite = 'load';

let stack: MarketStack;
const workers: ProverWorker[] = [];
const accepted: string[] = [];
let submitErrors = 0;
let invariants: InvariantReport;
const figures: Record<string, number> = {};
const proofsComputed = { real: 0, reused: 0 };

/** Proves a statement once with snarkjs and returns that real proof again for the same statement. */
function reusingBackend(inner: ProvingBackend, cache: Map<string, Promise<ProvingResult>>): ProvingBackend {
  return {
    name: 'reusing-snarkjs',
    prove(task) {
      const key = `${task.circuitId}:${JSON.stringify(task.input)}`;
      let found = cache.get(key);
      if (found) {
        proofsComputed.reused += 1;
      } else {
        proofsComputed.real += 1;
        found = inner.prove(task);
        cache.set(key, found);
        found.catch(() => cache.delete(key));
      }
      return found;
    },
    close: () => inner.close(),
  };
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

beforeAll(async () => {
  stack = await startMarketStack({
    // An auction window long enough for bids to arrive on a loaded 2-core machine.
    config: { batchSize: 32, batchMaxAgeMs: 2_000, auctionWindowMs: 2_000 },
    chainIntervalMs: 1_000,
  });
  const { h } = stack;
  const account = privateKeyToAccount(devAccounts.requesters[0].privateKey);
  const { apiKey } = await createRequester(h.deps, { name: 'load requester', address: account.address });
  const requester = new TenderClient({ baseUrl: stack.baseUrl, apiKey, account });
  await h.deps.publicClient.waitForTransactionReceipt({
    hash: await requester.deposit(parseEther('10'), h.anvil.rpcUrl),
  });
  const circuitId = (await requester.registerBuiltinCircuit('tiny')).id as Hex;
  const provers = [devAccounts.provers[0], devAccounts.provers[1], devAccounts.provers[2]];
  const before = await marketBalances(h, [account.address, ...provers.map((p) => p.address)]);

  const inner = snarkjsBackend({ threads: 1 });
  const cache = new Map<string, Promise<ProvingResult>>();
  for (const prover of provers) {
    const worker = createProverWorker({
      apiUrl: stack.baseUrl,
      account: privateKeyToAccount(prover.privateKey),
      kind: 'cpu',
      concurrency: 8,
      backend: reusingBackend(inner, cache),
      cacheDir: path.join(stack.dataDir, 'load', prover.address.toLowerCase()),
      memoryMb: 4_096,
      heartbeatMs: 1_000,
      stake: { amountWei: parseEther('1') },
    });
    workers.push(worker);
    await worker.start();
  }

  const model = await loadBuiltinModel('tiny');
  const pixels = model.input.shape.reduce((a, b) => a * b, 1);
  const statements = distinctPixelImages(seededRandom(0x10ad), STATEMENTS, pixels, model.input.bits).map(
    (image) => modelInput(model, image) as Record<string, unknown>,
  );
  const started = Date.now();
  let next = 0;
  const lane = async () => {
    while (next < JOBS) {
      const i = next++;
      try {
        const job = await requester.submitJob({
          circuitId,
          input: statements[i % STATEMENTS]!,
          maxFee: 10n ** 15n,
          deadline: new Date(Date.now() + 60 * 60_000),
        });
        accepted.push(job.id);
      } catch {
        submitErrors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: SUBMITTERS }, lane));
  figures.submitSeconds = (Date.now() - started) / 1_000;
  await until(
    async () =>
      (await h.deps.prisma.job.count({ where: { status: { in: ['verified', 'expired', 'cancelled'] } } })) >=
      accepted.length,
    `all ${accepted.length} jobs to end`,
    scaled(600_000, 3_000_000),
  );
  const done = await h.deps.prisma.job.findMany({
    where: { status: 'verified' },
    select: { createdAt: true, verifiedAt: true },
  });
  const latencies = done.map((j) => j.verifiedAt!.getTime() - j.createdAt.getTime()).sort((a, b) => a - b);
  const first = Math.min(...done.map((j) => j.createdAt.getTime()));
  const last = Math.max(...done.map((j) => j.verifiedAt!.getTime()));
  figures.jobs = accepted.length;
  figures.verified = done.length;
  figures.jobsPerSecond = Math.round((done.length / ((last - first) / 1_000)) * 100) / 100;
  figures.p50Ms = quantile(latencies, 0.5);
  figures.p95Ms = quantile(latencies, 0.95);
  figures.errors = submitErrors;
  figures.lost = accepted.length - done.length;
  await until(
    async () => (await checkMarketInvariants(h, before)).indexerMissing === 0,
    'the indexer to catch up',
    60_000,
  );
  invariants = await checkMarketInvariants(h, before);
  figures.batches = await h.deps.prisma.batch.count({ where: { status: 'confirmed' } });
  report(
    suite,
    `${JOBS} jobs over ${STATEMENTS} distinct statements, 3 provers: ${proofsComputed.real} proofs computed with snarkjs, ${proofsComputed.reused} reused for identical statements — the market verified every one (api check on submission, batch check off-chain and on-chain)`,
  );
  report(suite, `figures: ${JSON.stringify(figures)}`);
  report(
    suite,
    `invariants: ${JSON.stringify(invariants, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`,
  );
}, 3_600_000);

afterAll(async () => {
  for (const worker of workers) await worker.stop({ graceMs: 0 });
  await stack?.close();
});

describe(`load: ${JOBS} jobs through to settlement with three provers`, () => {
  it('accepts every job and loses none: each ends verified', () => {
    expect(submitErrors).toBe(0);
    expect(accepted).toHaveLength(JOBS);
    expect(figures.lost).toBe(0);
    expect(invariants.byStatus).toEqual({ verified: JOBS });
  });

  it('settles each job on-chain once and moves exactly the settled prices (and fees)', () => {
    expect(invariants.settledOnChain).toBe(JOBS);
    expect(invariants.inSeveralBatches).toEqual([]);
    expect(invariants.notIncluded).toEqual([]);
    expect(invariants.batchMismatches).toEqual([]);
    expect(invariants.moneyMismatches).toEqual([]);
    expect(invariants.stuckAssignments).toEqual([]);
  });

  it('proved each distinct statement for real and only reused proofs of identical statements', () => {
    expect(proofsComputed.real).toBeGreaterThanOrEqual(STATEMENTS);
    expect(proofsComputed.real + proofsComputed.reused).toBeGreaterThanOrEqual(JOBS);
  });
});
