import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devAccounts } from '@tender/chain';
import { loadBuiltinModel, modelInput } from '@tender/circuits';
import { repoRoot } from '@tender/config';
import { createRequester } from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import { TenderClient } from '@tender/sdk';
import { type Hex, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppLauncher,
  type AppProcess,
  appLauncher,
  harnessTarget,
  until,
} from './support/appProcesses.ts';
import { jobStates } from './support/jobStates.ts';
import { checkMarketInvariants, type InvariantReport, marketBalances } from './support/marketInvariants.ts';
import { type ProverProcesses, startProverProcesses } from './support/proverProcesses.ts';
import { report, scaled } from './support/scale.ts';
import { distinctPixelImages, seededRandom } from './support/seededRandom.ts';

// Aggregator high availability, end to end with real processes: api, two schedulers and two
// aggregators run as separate `apps/<app>/src/server.ts` processes over one Postgres, Redis
// prefix and anvil; two prover processes prove. The aggregator that holds the lease is killed
// with SIGKILL right after it cuts its first batch; the other must take over within seconds and
// bring every job to verified, with each job settled on-chain exactly once.

const JOBS = scaled(12, 60);
const echo = process.env.TENDER_E2E_LOG === '1';
const suite = 'failover';
const aggregatorEnv = {
  BATCH_SIZE: '3',
  BATCH_MAX_AGE_MS: '1000',
  BATCH_INTERVAL_MS: '300',
  CHAIN_INTERVAL_MS: '1000',
  AGGREGATOR_LEASE_RETRY_MS: '500',
};
const schedulerEnv = { AUCTION_WINDOW_MS: '2000', RECONCILE_INTERVAL_MS: '3000' };

let h: MarketHarness;
let dataDir: string;
let apps: AppLauncher;
let provers: ProverProcesses | undefined;
let aggregators: AppProcess[] = [];
let leader: AppProcess;
let follower: AppProcess;
let takeoverMs = Number.NaN;
let invariants: InvariantReport;
const jobIds: string[] = [];

const leads = (p: AppProcess) => p.lines.some((l) => l.includes('lease acquired'));
const cut = (p: AppProcess) => p.lines.some((l) => l.includes('batch cut'));

beforeAll(async () => {
  h = await createMarketHarness();
  dataDir = await mkdtemp(join(tmpdir(), 'tender-failover-'));
  apps = await appLauncher(harnessTarget(h), { dataDir: join(dataDir, 'apps'), echo });
  const api = await apps.start('api');
  await Promise.all([apps.start('scheduler', schedulerEnv), apps.start('scheduler', schedulerEnv)]);
  aggregators = [await apps.start('aggregator', aggregatorEnv)];
  await until(() => leads(aggregators[0]!), 'the first aggregator to take the lease', 120_000);
  aggregators.push(await apps.start('aggregator', aggregatorEnv));

  const account = privateKeyToAccount(devAccounts.requesters[0].privateKey);
  const { apiKey } = await createRequester(h.deps, { name: 'failover requester', address: account.address });
  const requester = new TenderClient({ baseUrl: api.url!, apiKey, account });
  await h.deps.publicClient.waitForTransactionReceipt({
    hash: await requester.deposit(parseEther('1'), h.anvil.rpcUrl),
  });
  const circuitId = (await requester.registerBuiltinCircuit('tiny')).id as Hex;
  const watched = [account.address, devAccounts.provers[0].address, devAccounts.provers[1].address];
  const before = await marketBalances(h, watched);

  provers = startProverProcesses({
    root: repoRoot(),
    apiUrl: api.url!,
    rpcUrl: h.anvil.rpcUrl,
    dataDir: join(dataDir, 'provers'),
    provers: [
      { devIndex: 0, backend: 'snarkjs' },
      { devIndex: 1, backend: 'snarkjs' },
    ],
    concurrency: 2,
    stakeWei: parseEther('1'),
    echo,
  });
  const model = await loadBuiltinModel('tiny');
  const pixels = model.input.shape.reduce((a, b) => a * b, 1);
  for (const image of distinctPixelImages(seededRandom(0xfa11), JOBS, pixels, model.input.bits)) {
    const input = modelInput(model, image) as Record<string, unknown>;
    jobIds.push((await requester.submitJob({ circuitId, input, maxFee: 10n ** 15n })).id);
  }

  // Kill the lease holder the moment it has cut its first batch (mid-flow: jobs still proving).
  leader = aggregators.find(leads)!;
  follower = aggregators.find((p) => p !== leader)!;
  await until(() => cut(leader), 'the leader to cut its first batch', 240_000);
  expect(leads(follower), 'the follower must not lead while the leader lives').toBe(false);
  const killedAt = Date.now();
  await apps.kill9(leader);
  report(suite, `kill -9 ${leader.label} (the lease holder) right after its first batch cut`);
  await until(() => leads(follower), 'the follower to take the lease', 60_000);
  takeoverMs = Date.now() - killedAt;
  report(suite, `${follower.label} took the lease ${takeoverMs} ms after the kill`);

  await until(
    async () => (await h.deps.prisma.job.count({ where: { status: 'verified' } })) === JOBS,
    `all ${JOBS} jobs to be verified`,
    scaled(300_000, 900_000),
    () => jobStates(h.deps.prisma),
  );
  await until(
    async () => (await checkMarketInvariants(h, before)).indexerMissing === 0,
    'the indexer to catch up',
    30_000,
  );
  invariants = await checkMarketInvariants(h, before);
  report(
    suite,
    `invariants: ${JSON.stringify(invariants, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`,
  );
}, 1_200_000);

afterAll(async () => {
  await provers?.stop(2_000);
  await apps?.stopAll();
  await h?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('aggregator high availability (two aggregator processes, the lease holder killed with SIGKILL)', () => {
  it('lets exactly one aggregator lead, and the other takes over within seconds of the kill', () => {
    expect(leader.child.signalCode).toBe('SIGKILL');
    expect(takeoverMs).toBeLessThan(20_000);
    // The follower took the lease once, and only after the kill.
    expect(follower.lines.filter((l) => l.includes('lease acquired'))).toHaveLength(1);
  });

  it('brings every job to verified and settles each on-chain exactly once (money as the prices say)', () => {
    expect(invariants.byStatus).toEqual({ verified: JOBS });
    expect(invariants.unfinished).toEqual([]);
    expect(invariants.settledOnChain).toBe(JOBS);
    expect(invariants.inSeveralBatches).toEqual([]);
    expect(invariants.notIncluded).toEqual([]);
    expect(invariants.batchMismatches).toEqual([]);
    expect(invariants.moneyMismatches).toEqual([]);
    expect(invariants.stuckAssignments).toEqual([]);
    expect(invariants.prices).toBeGreaterThan(0n);
  });

  it("keeps the indexer's view equal to the chain across the takeover", () => {
    expect(invariants.indexerMissing).toBe(0);
    expect(invariants.indexerExtra).toBe(0);
  });
});
