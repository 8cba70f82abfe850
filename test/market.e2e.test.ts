import path from 'node:path';
import { type DevAccount, devAccounts, tenderMarketAbi, tenderStakingAbi } from '@tender/chain';
import { loadBuiltinModel, modelInput } from '@tender/circuits';
import { repoRoot } from '@tender/config';
import { TEST_POSTGRES_ADMIN_URL } from '@tender/db/testing';
import { createRequester, operatorOverview } from '@tender/market';
import {
  createProverWorker,
  type ProverWorker,
  type ProverWorkerOptions,
  type ProvingBackend,
  snarkjsBackend,
} from '@tender/prover';
import { createRedisConnection } from '@tender/queue';
import { type JobView, TenderClient } from '@tender/sdk';
import pg from 'pg';
import { type Address, encodePacked, getAddress, type Hex, keccak256, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractBatchMoney, type SettledJob } from './support/contractMoney.ts';
import { corruptingBackend, silentBackend } from './support/faultyBackends.ts';
import { type MarketStack, startMarketStack } from './support/marketStack.ts';
import { type ProverProcesses, startProverProcesses } from './support/proverProcesses.ts';
import { distinctPixelImages, seededRandom } from './support/seededRandom.ts';

// Issue 5's "Done when": the whole market on real Postgres, Redis, anvil and snarkjs. The api,
// scheduler and aggregator run in this process (as `npm start` hosts them); two honest provers run
// as their own processes (one `snarkjs`, one `external`), configured by environment only. A
// dishonest prover (corrupts its proofs) and a silent one (wins, never proves) run in-process, so
// the test can start them first — alone — and be sure each of them wins a job.

const JOBS = 40;
const IN_FLIGHT = 40;
const SEED = 0x7e4de2;
const MAX_FEE = 10n ** 15n;
const ESCROW = parseEther('1');
const STAKE = parseEther('1');
const echo = process.env.TENDER_E2E_LOG === '1';

const requesterAccount = devAccounts.requesters[0];
const [snarkjsProver, externalProver, cheatAccount] = devAccounts.provers as unknown as [
  DevAccount,
  DevAccount,
  DevAccount,
];
// Anvil has ten funded dev accounts, all with a role; this test never slashes from the challenger
// key (the aggregator's operator does), so the challenger account serves as the silent prover.
const silentAccount = devAccounts.challenger;

let stack: MarketStack;
let provers: ProverProcesses | undefined;
let requester: TenderClient;
let circuitId: Hex;
const jobIds: string[] = [];
let views: JobView[] = [];
const inProcess: ProverWorker[] = [];
let cheatStakeBefore: bigint;
const balancesBefore = new Map<string, bigint>();
const timings: Record<string, number> = {};
const t0 = performance.now();
const mark = (what: string) => {
  timings[what] = Math.round(performance.now() - t0);
  if (echo) console.log(`[e2e] ${what} at ${timings[what]} ms`);
};

const lower = (a: string) => a.toLowerCase();
const prisma = () => stack.h.deps.prisma;

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function marketBalance(address: Address): Promise<bigint> {
  return stack.h.deps.publicClient.readContract({
    address: stack.h.deployment.addresses.market,
    abi: tenderMarketAbi,
    functionName: 'balanceOf',
    args: [address],
  });
}

function stakeOf(address: Address): Promise<bigint> {
  return stack.h.deps.publicClient.readContract({
    address: stack.h.deployment.addresses.staking,
    abi: tenderStakingAbi,
    functionName: 'stakeOf',
    args: [address],
  });
}

/** A prover worker in this process with its own dev key; it stakes itself before registering. */
async function inProcessWorker(
  account: DevAccount,
  backend: ProvingBackend,
  extra: Partial<ProverWorkerOptions> = {},
): Promise<ProverWorker> {
  const worker = createProverWorker({
    apiUrl: stack.baseUrl,
    account: privateKeyToAccount(account.privateKey),
    kind: 'cpu',
    concurrency: 1,
    backend,
    cacheDir: path.join(stack.dataDir, 'in-process', lower(account.address)),
    memoryMb: 4_096,
    heartbeatMs: 1_000,
    stake: { amountWei: STAKE },
    ...(echo
      ? {
          log: (level, message, fields) =>
            console.log(`[${backend.name}] ${level} ${message} ${JSON.stringify(fields ?? {})}`),
        }
      : {}),
    ...extra,
  });
  inProcess.push(worker);
  await worker.start();
  return worker;
}

async function proverRow(address: string) {
  return prisma().prover.findUniqueOrThrow({ where: { address: lower(address) } });
}

async function assignmentsOf(address: string) {
  const prover = await proverRow(address);
  return prisma().assignment.findMany({ where: { proverId: prover.id }, orderBy: { createdAt: 'asc' } });
}

/** The accepted (paid) assignment of a job: the one whose proof settled. */
async function acceptedAssignment(jobId: string) {
  return prisma().assignment.findFirstOrThrow({
    where: { jobId, status: 'accepted' },
    include: {
      prover: { select: { address: true } },
      job: { select: { requester: { select: { address: true } } } },
    },
  });
}

beforeAll(async () => {
  stack = await startMarketStack({
    config: { batchSize: 10, batchMaxAgeMs: 2_000, auctionWindowMs: 1_000 },
    chainIntervalMs: 500,
    log: echo,
  });
  mark('market up');
  const account = privateKeyToAccount(requesterAccount.privateKey);
  const { apiKey } = await createRequester(stack.h.deps, { name: 'e2e requester', address: account.address });
  requester = new TenderClient({ baseUrl: stack.baseUrl, apiKey, account });
  await stack.h.deps.publicClient.waitForTransactionReceipt({ hash: await requester.deposit(ESCROW) });
  circuitId = (await requester.registerBuiltinCircuit('tiny')).id as Hex;
  mark('circuit registered');

  const model = await loadBuiltinModel('tiny');
  const pixelCount = model.input.shape.reduce((a, b) => a * b, 1);
  const inputs = distinctPixelImages(seededRandom(SEED), JOBS, pixelCount, model.input.bits).map(
    (pixels) => modelInput(model, pixels) as Record<string, unknown>,
  );
  const submit = async (input: Record<string, unknown>) => {
    const job = await requester.submitJob({ circuitId, input, maxFee: MAX_FEE });
    jobIds.push(job.id);
    return job;
  };
  const watched = [
    requesterAccount,
    snarkjsProver,
    externalProver,
    devAccounts.treasury,
    devAccounts.operator,
  ];
  for (const { address } of watched) balancesBefore.set(lower(address), await marketBalance(address));

  // 1. A prover that goes silent after winning: alone on the market, it wins the first job and
  //    never proves it. A short promised time (no download/safety allowance) keeps its deadline near.
  const silent = await inProcessWorker(silentAccount, silentBackend(), {
    pricing: { guessBaseMs: 300, fetchMs: 300, safetyBps: 0 },
  });
  await submit(inputs[0]!);
  await until(
    async () => (await assignmentsOf(silentAccount.address)).some((a) => a.status === 'failed_deadline'),
    'the silent prover to miss its deadline',
    60_000,
  );
  await silent.stop({ graceMs: 0 });
  mark('silent prover missed its deadline');

  // 2. A dishonest prover, alone on the market: it wins the next job (or the first one's next
  //    round) and submits a corrupted, signed proof; the api refuses it (422) and keeps the evidence.
  const cheat = await inProcessWorker(cheatAccount, corruptingBackend(snarkjsBackend({ threads: 1 })));
  cheatStakeBefore = await stakeOf(cheatAccount.address);
  await submit(inputs[1]!);
  await until(() => cheat.stats.proofsRejected >= 1, 'the corrupted proof to be refused', 60_000);
  await cheat.stop({ graceMs: 0 });
  mark('dishonest proof refused');

  // 3. Two honest prover processes (snarkjs, external), staking themselves and registering.
  provers = startProverProcesses({
    root: repoRoot(),
    apiUrl: stack.baseUrl,
    rpcUrl: stack.h.anvil.rpcUrl,
    dataDir: path.join(stack.dataDir, 'provers'),
    provers: [
      { devIndex: 0, backend: 'snarkjs' },
      { devIndex: 1, backend: 'external' },
    ],
    concurrency: 4,
    stakeWei: STAKE,
    echo,
  });
  await until(
    async () =>
      (await prisma().prover.count({
        where: { address: { in: [snarkjsProver, externalProver].map((p) => lower(p.address)) } },
      })) === 2,
    'both prover processes to register',
    120_000,
  );
  mark('prover processes registered');

  // 4. The other 38 jobs over REST, by a requester that keeps at most IN_FLIGHT of them unproven
  //    (40: all at once); then all 40 must settle. Rounds that draw no bid back off (1 s doubling
  //    to 60 s), but each freed prover slot wakes the waiting jobs (market wakeWaitingAuctions), so
  //    the burst settles in ~15-18 s (it took 1-4.5 min before the wake).
  try {
    const rest = inputs.slice(2);
    let next = 0;
    const lane = async () => {
      while (next < rest.length) {
        const job = await submit(rest[next++]!);
        await requester.waitForJob(job.id, { until: 'proven', timeoutMs: 240_000 });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    mark('40 jobs submitted and proven');
    views = await Promise.all(
      jobIds.map((id) => requester.waitForJob(id, { until: 'verified', timeoutMs: 120_000 })),
    );
  } catch (error) {
    await printTimeline(); // what each job went through, to see why one did not settle
    throw error;
  }
  mark('40 jobs verified');
  await until(
    async () => (await prisma().slash.count({ where: { status: 'confirmed' } })) >= 1,
    'the slash to be confirmed on-chain',
    60_000,
  );
  mark('slash confirmed');
  if (echo) await printTimeline();
}, 480_000);

/** With TENDER_E2E_LOG=1: where each job's time went (rounds, waits), to see what the run spent. */
async function printTimeline(): Promise<void> {
  const jobs = await prisma().job.findMany({
    include: {
      auctions: { orderBy: { round: 'asc' }, include: { _count: { select: { bids: true } } } },
      assignments: { orderBy: { createdAt: 'asc' }, include: { prover: { select: { address: true } } } },
    },
    orderBy: { createdAt: 'asc' },
  });
  for (const job of jobs) {
    const t = (d: Date | null | undefined) => (d ? `${d.getTime() - job.createdAt.getTime()}` : '-');
    const rounds = job.auctions.map((a) => `r${a.round}:${a.status}/${a._count.bids}b@${t(a.opensAt)}`);
    const assignments = job.assignments.map(
      (a) => `${a.prover.address.slice(0, 6)}:${a.status}@${t(a.createdAt)}-${t(a.finishedAt)}`,
    );
    console.log(
      `[e2e] job ${job.id.slice(-6)} proven ${t(job.provenAt)} verified ${t(job.verifiedAt)} ms | ${rounds.join(' ')} | ${assignments.join(' ')}`,
    );
  }
  const batches = await prisma().batch.findMany({ orderBy: { createdAt: 'asc' } });
  console.log(
    `[e2e] batches ${batches.map((b) => `${b.status}:${b.size}@${b.createdAt.getTime() - jobs[0]!.createdAt.getTime()}`).join(' ')}`,
  );
}

afterAll(async () => {
  console.log(`[e2e] timings (ms since start): ${JSON.stringify(timings)}`);
  await provers?.stop();
  for (const worker of inProcess) await worker.stop({ graceMs: 0 });
  await stack?.close();
});

describe('the market end to end (REST → auction → prover processes → batch on-chain)', () => {
  it('takes 40 jobs over REST and brings every one of them to verified', () => {
    expect(new Set(jobIds).size).toBe(JOBS);
    expect(views.map((v) => v.status)).toEqual(Array(JOBS).fill('verified'));
    for (const view of views) {
      expect(view.proof?.publicSignals).toEqual(view.expectedPublicSignals);
      expect(view.batch).toMatchObject({ status: 'confirmed' });
    }
  });

  it('shows every job passing through proving (the prover says it started before it proves)', async () => {
    const provingMoves = await stack.h.deps.prisma.jobEvent.groupBy({
      by: ['jobId'],
      where: { jobId: { in: jobIds }, toStatus: 'proving' },
    });
    expect(provingMoves).toHaveLength(JOBS);
  });

  it('proves every job on-chain: verifyInclusion is true for each (false for a tampered leaf), batches as stored', async () => {
    const verify = (args: readonly [bigint, Hex, Hex, Hex, readonly Hex[]]) =>
      stack.h.deps.publicClient.readContract({
        address: stack.h.deployment.addresses.market,
        abi: tenderMarketAbi,
        functionName: 'verifyInclusion',
        args,
      });
    for (const view of views) {
      const { batch, proof } = view;
      // The leaf is recomputed from the public signals, not taken from the stored hash.
      const signalsHash = keccak256(
        encodePacked(
          view.publicSignals!.map(() => 'uint256' as const),
          view.publicSignals!.map((s) => BigInt(s)),
        ),
      );
      expect(proof?.publicSignalsHash).toBe(signalsHash);
      const args = [
        BigInt(batch!.chainBatchId!),
        view.chainJobId!,
        view.circuitId,
        signalsHash,
        batch!.inclusionProof!,
      ] as const;
      expect(await verify(args), `job ${view.id} in batch ${batch!.chainBatchId}`).toBe(true);
    }
    // Each batch the jobs name is on-chain as they say: its root, its transaction and block.
    const batches = new Map(views.map((v) => [v.batch!.chainBatchId!, v.batch!]));
    for (const [chainBatchId, batch] of batches) {
      const root = await stack.h.deps.publicClient.readContract({
        address: stack.h.deployment.addresses.market,
        abi: tenderMarketAbi,
        functionName: 'batchRoot',
        args: [BigInt(chainBatchId)],
      });
      expect(batch.root).toBe(root);
      const receipt = await stack.h.deps.publicClient.getTransactionReceipt({ hash: batch.txHash! });
      expect(receipt.status).toBe('success');
      expect(receipt.blockNumber.toString()).toBe(batch.blockNumber);
    }
    const [first] = views;
    const tampered = keccak256(encodePacked(['uint256'], [1n]));
    expect(
      await verify([
        BigInt(first!.batch!.chainBatchId!),
        first!.chainJobId!,
        first!.circuitId,
        tampered,
        first!.batch!.inclusionProof!,
      ]),
    ).toBe(false);
  });

  it("pays each prover its prices and charges the requester's escrow the same plus the market fee", async () => {
    const batches = await prisma().batch.findMany({
      where: { status: 'confirmed' },
      include: { items: { select: { jobId: true } } },
    });
    const settled = new Map<bigint, SettledJob[]>();
    const settledJobIds: string[] = [];
    for (const batch of batches) {
      const jobs: SettledJob[] = [];
      for (const { jobId } of batch.items) {
        const accepted = await acceptedAssignment(jobId);
        jobs.push({
          requester: accepted.job.requester.address!,
          prover: accepted.prover.address,
          priceWei: BigInt(accepted.priceWei.toFixed()),
        });
        settledJobIds.push(jobId);
      }
      settled.set(batch.chainBatchId!, jobs);
    }
    expect(settledJobIds.sort()).toEqual([...jobIds].sort()); // each job settled once
    const feeBps = stack.h.deployment.params.feeBps;
    const money = contractBatchMoney(settled, feeBps);

    // What the chain says each batch charged and kept, batch by batch.
    const events = await stack.h.deps.publicClient.getContractEvents({
      address: stack.h.deployment.addresses.market,
      abi: tenderMarketAbi,
      eventName: 'BatchSettled',
      fromBlock: stack.h.deployment.blockNumber,
    });
    expect(events).toHaveLength(batches.length);
    for (const { args } of events) {
      expect(money.batches.get(args.batchId!), `batch ${args.batchId}`).toEqual({
        charged: args.charged,
        fee: args.fee,
      });
    }
    const slashes = await stack.h.deps.publicClient.getContractEvents({
      address: stack.h.deployment.addresses.market,
      abi: tenderMarketAbi,
      eventName: 'ProverSlashed',
      fromBlock: stack.h.deployment.blockNumber,
    });
    const slashShare = (pick: 'toRequester' | 'toChallenger' | 'toTreasury') =>
      slashes.reduce((sum, { args }) => sum + (args[pick] ?? 0n), 0n);

    const { prices, fees } = money;
    expect(prices).toBeGreaterThan(0n);
    const delta = async (account: { address: Address }) =>
      (await marketBalance(account.address)) - balancesBefore.get(lower(account.address))!;
    // The requester paid every price plus the fee (and got its share of the slash); each prover
    // got exactly the sum of its accepted prices; the treasury kept the fees (and its slash share).
    expect(money.requesterDebits.get(lower(requesterAccount.address))).toBe(prices + fees);
    expect(fees).toBeGreaterThan(0n);
    expect(await delta(requesterAccount)).toBe(slashShare('toRequester') - prices - fees);
    for (const prover of [snarkjsProver, externalProver]) {
      expect(await delta(prover), prover.address).toBe(money.proverCredits.get(lower(prover.address)) ?? 0n);
    }
    expect(await delta(devAccounts.treasury)).toBe(fees + slashShare('toTreasury'));
    expect(await delta(devAccounts.operator)).toBe(slashShare('toChallenger'));
    // The operator dashboard's money figures agree with the chain.
    const overview = await operatorOverview(stack.h.deps);
    expect(overview.money).toMatchObject({
      paidToProversWei: prices.toString(),
      feesEarnedWei: fees.toString(),
      escrowSettledWei: (prices + fees).toString(),
    });
    // Neither the silent nor the dishonest prover was paid anything.
    expect(await marketBalance(silentAccount.address)).toBe(0n);
    expect(await marketBalance(cheatAccount.address)).toBe(0n);
  });

  it('shares the jobs between the two prover processes (the snarkjs one and the external one)', async () => {
    const byProver = new Map<string, number>();
    for (const id of jobIds) {
      const prover = lower((await acceptedAssignment(id)).prover.address);
      byProver.set(prover, (byProver.get(prover) ?? 0) + 1);
    }
    expect(byProver.get(lower(snarkjsProver.address))).toBeGreaterThan(0);
    expect(byProver.get(lower(externalProver.address))).toBeGreaterThan(0);
    expect([...byProver.values()].reduce((a, b) => a + b, 0)).toBe(JOBS);
  });

  it('slashes the dishonest prover on-chain, and its job is still proven by another prover', async () => {
    const failed = (await assignmentsOf(cheatAccount.address)).filter((a) => a.status === 'failed_invalid');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    const cheater = await proverRow(cheatAccount.address);
    const slashes = await prisma().slash.findMany({ where: { proverId: cheater.id } });
    expect(slashes.map((s) => s.status)).toEqual(failed.map(() => 'confirmed'));
    const slashedWei = slashes.reduce((sum, s) => sum + BigInt(s.slashedWei!.toFixed()), 0n);
    expect(slashedWei).toBeGreaterThan(0n);
    // The stake went down by exactly what was slashed, and the chain says so in its event.
    expect(await stakeOf(cheatAccount.address)).toBe(cheatStakeBefore - slashedWei);
    const events = await stack.h.deps.publicClient.getContractEvents({
      address: stack.h.deployment.addresses.market,
      abi: tenderMarketAbi,
      eventName: 'ProverSlashed',
      args: { prover: getAddress(cheatAccount.address) },
      fromBlock: stack.h.deployment.blockNumber,
    });
    expect(events.map((e) => e.args.amount)).toEqual(slashes.map((s) => BigInt(s.slashedWei!.toFixed())));
    for (const assignment of failed) {
      const view = views.find((v) => v.id === assignment.jobId)!;
      expect(view.status).toBe('verified');
      expect(lower(view.proof!.prover)).not.toBe(lower(cheatAccount.address));
      const accepted = await acceptedAssignment(assignment.jobId);
      expect(accepted.round).toBeGreaterThan(assignment.round);
      expect(
        await stack.h.deps.publicClient.readContract({
          address: stack.h.deployment.addresses.market,
          abi: tenderMarketAbi,
          functionName: 'isSlashed',
          args: [view.chainJobId!, getAddress(cheatAccount.address)],
        }),
      ).toBe(true);
    }
  });

  it('re-auctions the job of a prover that went silent after winning; another prover proves it in a later round', async () => {
    const silentAssignments = await assignmentsOf(silentAccount.address);
    const missed = silentAssignments.filter((a) => a.status === 'failed_deadline');
    expect(missed).toHaveLength(1);
    expect(silentAssignments.every((a) => a.status === 'failed_deadline')).toBe(true);
    const [assignment] = missed;
    const view = views.find((v) => v.id === assignment!.jobId)!;
    expect(view.status).toBe('verified');
    const accepted = await acceptedAssignment(assignment!.jobId);
    expect(lower(accepted.prover.address)).not.toBe(lower(silentAccount.address));
    expect(accepted.round).toBeGreaterThan(assignment!.round);
    expect(view.auctions.length).toBeGreaterThan(1);
  });

  it('stops the prover processes and cleans up: no process left, database dropped, Redis keys gone', async () => {
    await provers!.stop();
    expect(provers!.allGone()).toBe(true);
    for (const prover of provers!.provers)
      expect(prover.child.exitCode ?? prover.child.signalCode).not.toBeNull();
    const { name: database } = stack.h.db;
    const prefix = stack.h.redisPrefix;
    await stack.close();
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      expect(found.rowCount).toBe(0);
    } finally {
      await admin.end();
    }
    const redis = createRedisConnection('redis://127.0.0.1:6379');
    try {
      expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    } finally {
      await redis.quit();
    }
  });
});
