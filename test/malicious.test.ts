import path from 'node:path';
import { type DevAccount, devAccounts, tenderMarketAbi, tenderStakingAbi } from '@tender/chain';
import { loadBuiltinModel, modelInput } from '@tender/circuits';
import { createRequester } from '@tender/market';
import {
  createProverWorker,
  type ProverWorker,
  type ProvingBackend,
  type ProvingResult,
  snarkjsBackend,
} from '@tender/prover';
import {
  marketDomain,
  ProverClient,
  proofHashOf,
  proverBidTypes,
  proverProofSubmissionTypes,
  publicSignalsHashOf,
  TenderApiError,
  TenderClient,
} from '@tender/sdk';
import { type Hex, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './support/appProcesses.ts';
import { jobStates } from './support/jobStates.ts';
import {
  checkMarketInvariants,
  type InvariantReport,
  marketBalance,
  marketBalances,
} from './support/marketInvariants.ts';
import { type MarketStack, startMarketStack } from './support/marketStack.ts';
import { report } from './support/scale.ts';
import { distinctPixelImages, seededRandom } from './support/seededRandom.ts';

// Malicious provers against the market on real Postgres, Redis, anvil and snarkjs. The attacker
// speaks the prover protocol over HTTP like any outside prover (SIWE session, signed bids, signed
// proof submissions): as a prover worker whose proving backend lies (each proof point corrupted,
// a valid proof of other signals, a silent withholder), and as a bare protocol client sending bids
// it crafts (signed by another key, expired, above the job's max fee, while at capacity,
// unstaked). Each attack must be refused; at the end an honest prover proves every job, and the
// honest prover and the requester lose nothing the prices do not say (checked on-chain).

const suite = 'malicious';
const STAKE = parseEther('2');
const [honestAccount, attackerAccount, unstakedAccount] = devAccounts.provers as unknown as [
  DevAccount,
  DevAccount,
  DevAccount,
];

let stack: MarketStack;
let requester: TenderClient;
let circuitId: Hex;
let inputs: Record<string, unknown>[];
let nextInput = 0;
let invariants: InvariantReport;
const outcomes: { attack: string; held: boolean; detail: string }[] = [];
const workers: ProverWorker[] = [];
let before: Map<string, bigint>;
let requesterBefore = 0n;
let attackerStakeBefore = 0n;
let inner: ProvingBackend;
let otherProof: Promise<ProvingResult> | undefined;

const prisma = () => stack.h.deps.prisma;
const lower = (a: string) => a.toLowerCase();

function stakeOf(address: Hex): Promise<bigint> {
  return stack.h.deps.publicClient.readContract({
    address: stack.h.deployment.addresses.staking,
    abi: tenderStakingAbi,
    functionName: 'stakeOf',
    args: [address],
  });
}

/** A backend that proves for real, then lies in one way. */
function lyingBackend(
  name: string,
  lie: (
    real: ProvingResult,
    task: Parameters<ProvingBackend['prove']>[0],
  ) => Promise<ProvingResult> | ProvingResult,
): ProvingBackend {
  return {
    name,
    async prove(task) {
      return lie(await inner.prove(task), task);
    },
    close: async () => {},
  };
}

/** A real proof of another statement (another input of the same circuit), computed once. */
function proofOfOtherStatement(task: Parameters<ProvingBackend['prove']>[0]): Promise<ProvingResult> {
  otherProof ??= inner.prove({ ...task, input: inputs[inputs.length - 1] as never });
  return otherProof;
}

const attacks: Record<string, ProvingBackend> = {
  'corrupted point A': lyingBackend('corrupt-a', async (real, task) => {
    const other = await proofOfOtherStatement(task);
    return { ...real, proof: { ...real.proof, pi_a: other.proof.pi_a } };
  }),
  'corrupted point B': lyingBackend('corrupt-b', async (real, task) => {
    const other = await proofOfOtherStatement(task);
    return { ...real, proof: { ...real.proof, pi_b: other.proof.pi_b } };
  }),
  'corrupted point C': lyingBackend('corrupt-c', async (real, task) => {
    const other = await proofOfOtherStatement(task);
    return { ...real, proof: { ...real.proof, pi_c: other.proof.pi_c } };
  }),
  'valid proof of other signals': lyingBackend('other-signals', (_real, task) => proofOfOtherStatement(task)),
};

async function submitJob(): Promise<string> {
  // An hour's deadline: the attacks run one after another on a loaded machine, and a job that
  // expired before the honest prover comes would hide what this suite checks.
  const job = await requester.submitJob({
    circuitId,
    input: inputs[nextInput++]!,
    maxFee: 10n ** 15n,
    deadline: new Date(Date.now() + 3_600_000),
  });
  return job.id;
}

async function attackerWorker(
  backend: ProvingBackend,
  extra: Record<string, unknown> = {},
): Promise<ProverWorker> {
  const worker = createProverWorker({
    apiUrl: stack.baseUrl,
    account: privateKeyToAccount(attackerAccount.privateKey),
    kind: 'cpu',
    concurrency: 1,
    backend,
    cacheDir: path.join(stack.dataDir, 'attacker'),
    memoryMb: 4_096,
    heartbeatMs: 1_000,
    stake: { amountWei: STAKE },
    ...(process.env.TENDER_E2E_LOG === '1'
      ? {
          log: (level: string, message: string, fields?: unknown) =>
            console.log(`[attacker] ${level} ${message} ${JSON.stringify(fields ?? {})}`),
        }
      : {}),
    ...extra,
  });
  workers.push(worker);
  await worker.start();
  return worker;
}

/** Expects a protocol call to be refused with a 4xx problem; records the outcome. */
async function refused(
  attack: string,
  call: () => Promise<unknown>,
  stored: () => Promise<number>,
): Promise<void> {
  const storedBefore = await stored();
  try {
    await call();
    outcomes.push({ attack, held: false, detail: 'accepted' });
  } catch (error) {
    const ok =
      error instanceof TenderApiError &&
      error.status >= 400 &&
      error.status < 500 &&
      error.code !== 'TENDER_AUCTION_CLOSED'; // a closed auction would prove nothing
    const storedAfter = await stored();
    outcomes.push({
      attack,
      held: ok && storedAfter === storedBefore,
      detail:
        error instanceof TenderApiError
          ? `${error.status} ${error.code}, rows ${storedBefore}→${storedAfter}`
          : String(error),
    });
  }
}

beforeAll(async () => {
  stack = await startMarketStack({
    // Auctions stay open 8 s, so that every crafted bid reaches an open auction on a loaded machine.
    config: { batchSize: 8, batchMaxAgeMs: 1_000, auctionWindowMs: 8_000 },
    chainIntervalMs: 500,
  });
  const { h } = stack;
  const account = privateKeyToAccount(devAccounts.requesters[0].privateKey);
  const { apiKey } = await createRequester(h.deps, {
    name: 'malicious-suite requester',
    address: account.address,
  });
  requester = new TenderClient({ baseUrl: stack.baseUrl, apiKey, account });
  await h.deps.publicClient.waitForTransactionReceipt({
    hash: await requester.deposit(parseEther('1'), h.anvil.rpcUrl),
  });
  circuitId = (await requester.registerBuiltinCircuit('tiny')).id as Hex;
  const model = await loadBuiltinModel('tiny');
  const pixels = model.input.shape.reduce((a, b) => a * b, 1);
  inputs = distinctPixelImages(seededRandom(0xbadbad), 16, pixels, model.input.bits).map(
    (image) => modelInput(model, image) as Record<string, unknown>,
  );
  inner = snarkjsBackend({ threads: 1 });
  requesterBefore = await marketBalance(h, account.address);
  before = await marketBalances(h, [honestAccount.address, attackerAccount.address]);

  // 1. Lying proofs: the attacker, alone on the market, wins a job and submits a signed lie.
  for (const [attack, backend] of Object.entries(attacks)) {
    // A generous promised time: the lie takes two real proofs on a loaded machine, and a missed
    // deadline would hide the lie.
    const worker = await attackerWorker(backend, { pricing: { guessBaseMs: 60_000 } });
    if (attackerStakeBefore === 0n) attackerStakeBefore = await stakeOf(attackerAccount.address as Hex);
    const rejectedBefore = worker.stats.proofsRejected;
    await submitJob();
    await until(() => worker.stats.proofsRejected > rejectedBefore, `the ${attack} to be refused`, 120_000);
    await worker.stop({ graceMs: 0 });
    outcomes.push({ attack, held: true, detail: 'proof refused (422), assignment failed, job re-auctioned' });
  }

  // 2. Withholding: the attacker wins and never proves; the deadline passes and the job moves on.
  const withholder = await attackerWorker({
    name: 'withholder',
    prove: () => new Promise(() => {}),
    close: async () => {},
  });
  const withheldJob = await submitJob();
  await until(
    async () =>
      (await prisma().assignment.count({ where: { jobId: withheldJob, status: 'failed_deadline' } })) > 0,
    'the withheld job to miss its deadline',
    120_000,
  );
  await withholder.stop({ graceMs: 0 });
  outcomes.push({ attack: 'withholding', held: true, detail: 'deadline missed, job re-auctioned' });

  // 3. Crafted bids from a bare protocol client on an open auction.
  const attacker = new ProverClient({
    baseUrl: stack.baseUrl,
    account: privateKeyToAccount(attackerAccount.privateKey),
  });
  // The attacker declares a price floor and room for one job at a time.
  await attacker.register({
    kind: 'cpu',
    maxConcurrency: 1,
    memoryMb: 4_096,
    maxConstraints: 100_000,
    priceFloorWei: 10n ** 6n,
  });
  const bidJob = await submitJob();
  const secondJob = await submitJob();
  const openAuction = async (jobId: string) => {
    await until(
      async () => (await prisma().auction.count({ where: { jobId, status: 'open' } })) > 0,
      'an open auction',
      60_000,
    );
    return prisma().auction.findFirstOrThrow({ where: { jobId, status: 'open' }, include: { job: true } });
  };
  const auction = await openAuction(bidJob);
  const invitation = {
    auctionId: auction.id,
    chainJobId: auction.job.chainJobId as Hex,
    closesAt: auction.closesAt.getTime() + 60_000,
  };
  const attackerBids = async () =>
    prisma().bid.count({
      where: { auctionId: auction.id, prover: { address: lower(attackerAccount.address) } },
    });
  const other = new ProverClient({
    baseUrl: stack.baseUrl,
    account: privateKeyToAccount(unstakedAccount.privateKey),
  });
  await refused(
    'bid signed by another key',
    async () => {
      // Sign the bid with another account's key, send it in the attacker's session.
      const expiresAt = Math.ceil(invitation.closesAt / 1000) + 60;
      const forged = await other.account.signTypedData({
        domain: marketDomain(stack.h.deployment.chainId, stack.h.deployment.addresses.market),
        types: proverBidTypes,
        primaryType: 'Bid',
        message: {
          jobId: invitation.chainJobId,
          price: 1_000n,
          etaMs: 5_000n,
          expiresAt: BigInt(expiresAt),
          prover: attackerAccount.address as Hex,
        },
      });
      const token = (await attacker.signIn()).token;
      const res = await fetch(`${stack.baseUrl}/v1/auctions/${auction.id}/bids`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ price: '1000', etaMs: 5_000, expiresAt, signature: forged }),
      });
      if (res.status >= 400) throw new TenderApiError((await res.json()) as never);
      return res;
    },
    attackerBids,
  );
  await refused(
    'expired bid',
    () => attacker.bid(invitation, { price: 1_000n, etaMs: 5_000, expiresAt: 1 }),
    attackerBids,
  );
  await refused(
    'bid above the max fee',
    () => attacker.bid(invitation, { price: 10n ** 15n + 1n, etaMs: 5_000 }),
    attackerBids,
  );
  await refused(
    "bid below the prover's own floor",
    () => attacker.bid(invitation, { price: 1n, etaMs: 5_000 }),
    attackerBids,
  );
  await refused(
    'bid from an unstaked, unregistered prover',
    () => other.bid(invitation, { price: 1_000n, etaMs: 5_000 }),
    () =>
      prisma().bid.count({
        where: { auctionId: auction.id, prover: { address: lower(unstakedAccount.address) } },
      }),
  );
  await refused(
    'registration of an unstaked prover',
    () => other.register({ kind: 'cpu', maxConcurrency: 1, memoryMb: 1_024, maxConstraints: 100_000 }),
    () => prisma().prover.count({ where: { address: lower(unstakedAccount.address) } }),
  );

  // Beyond capacity: one bid held (room for one), then a bid on a second open auction. The market
  // may take the bid, but must never award the attacker more jobs at once than it declared.
  await attacker.bid(invitation, { price: 2n * 10n ** 6n, etaMs: 5_000 });
  const second = await openAuction(secondJob);
  let secondBid = 'refused';
  try {
    await attacker.bid(
      {
        auctionId: second.id,
        chainJobId: second.job.chainJobId as Hex,
        closesAt: second.closesAt.getTime() + 60_000,
      },
      { price: 2n * 10n ** 6n, etaMs: 5_000 },
    );
    secondBid = 'taken';
  } catch (error) {
    secondBid = error instanceof TenderApiError ? `refused ${error.status} ${error.code}` : String(error);
  }
  await until(
    async () =>
      (await prisma().auction.count({ where: { id: { in: [auction.id, second.id] }, status: 'open' } })) ===
      0,
    'both auctions to close',
    60_000,
  );
  const held = await prisma().assignment.findMany({
    where: { jobId: { in: [bidJob, secondJob] }, prover: { address: lower(attackerAccount.address) } },
    orderBy: { createdAt: 'asc' },
  });
  const overlapping = held.some((a, i) =>
    held.some(
      (b, j) => j > i && b.createdAt.getTime() < (a.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY),
    ),
  );
  outcomes.push({
    attack: 'bid beyond the declared capacity',
    held: !overlapping,
    detail: `second bid ${secondBid}; attacker held ${held.length} assignment(s), ${overlapping ? 'two at once' : 'never two at once'}`,
  });

  // 4. An honest prover comes and proves every job; the attacker earns nothing.
  const honest = createProverWorker({
    apiUrl: stack.baseUrl,
    account: privateKeyToAccount(honestAccount.privateKey),
    kind: 'cpu',
    concurrency: 2,
    backend: snarkjsBackend({ threads: 1 }),
    cacheDir: path.join(stack.dataDir, 'honest'),
    memoryMb: 4_096,
    heartbeatMs: 1_000,
    stake: { amountWei: STAKE },
  });
  workers.push(honest);
  await honest.start();
  const jobs = nextInput;
  await until(
    async () => (await prisma().job.count({ where: { status: 'verified' } })) === jobs,
    `all ${jobs} jobs to be verified by the honest prover`,
    300_000,
    () => jobStates(prisma()),
  );
  // 5. After the fact: the honest prover's accepted proof replayed by the attacker for a job it was
  //    never awarded, signed with its own key, and the same submission signed by a third key.
  const done = await requester.getJob(bidJob);
  const proofs = () => prisma().proof.count();
  const postProof = async (signer: ProverClient, session: ProverClient) => {
    const { chainId, market } = await session.market();
    const signature = await signer.account.signTypedData({
      domain: marketDomain(chainId, market),
      types: proverProofSubmissionTypes,
      primaryType: 'ProofSubmission',
      message: {
        jobId: done.chainJobId as Hex,
        circuitId: done.circuitId as Hex,
        proofHash: proofHashOf(done.proof!.proof),
        publicSignalsHash: publicSignalsHashOf(done.proof!.publicSignals),
        prover: session.account.address,
      },
    });
    const token = (await session.signIn()).token;
    const res = await fetch(`${stack.baseUrl}/v1/jobs/${bidJob}/proof`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ proof: done.proof!.proof, publicSignals: done.proof!.publicSignals, signature }),
    });
    if (res.status >= 400) throw new TenderApiError((await res.json()) as never);
    return res;
  };
  await refused(
    'replayed proof (another prover’s accepted proof, for a job not awarded to it)',
    () => postProof(attacker, attacker),
    proofs,
  );
  await refused('proof submission signed by another key', () => postProof(other, attacker), proofs);

  await until(
    async () => (await prisma().slash.count({ where: { status: { in: ['pending', 'submitted'] } } })) === 0,
    'slashes to settle',
    60_000,
  );
  await until(
    async () => (await checkMarketInvariants(h, before)).indexerMissing === 0,
    'the indexer',
    60_000,
  );
  invariants = await checkMarketInvariants(h, before);
  for (const o of outcomes) report(suite, `${o.held ? 'held' : 'FAILED'}: ${o.attack} — ${o.detail}`);
  report(
    suite,
    `invariants: ${JSON.stringify(invariants, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`,
  );
}, 1_800_000);

afterAll(async () => {
  for (const w of workers) await w.stop({ graceMs: 0 }).catch(() => {});
  await inner?.close();
  await stack?.close();
});

describe('malicious provers (lying proofs, withholding, crafted bids)', () => {
  it('refuses every attack', () => {
    expect(outcomes.filter((o) => !o.held)).toEqual([]);
    expect(outcomes.length).toBe(Object.keys(attacks).length + 1 + 7 + 2);
  });

  it('pays the attacker nothing and slashes it for its signed invalid proofs', async () => {
    expect(invariants.moneyMismatches).toEqual([]);
    const attackerPaid = await prisma().assignment.count({
      where: { status: 'accepted', prover: { address: lower(attackerAccount.address) } },
    });
    expect(attackerPaid).toBe(0);
    const confirmedSlashes = await prisma().slash.count({ where: { status: 'confirmed' } });
    expect(confirmedSlashes).toBeGreaterThan(0);
    expect(await stakeOf(attackerAccount.address as Hex)).toBeLessThan(attackerStakeBefore);
  });

  it('lets the honest prover and the requester lose nothing: every job verified once, money as the prices say', async () => {
    // The requester paid exactly the settled prices and fees, and got its share of every slash.
    const slashes = await stack.h.deps.publicClient.getContractEvents({
      address: stack.h.deployment.addresses.market,
      abi: tenderMarketAbi,
      eventName: 'ProverSlashed',
      fromBlock: stack.h.deployment.blockNumber,
    });
    const toRequester = slashes.reduce((sum, e) => sum + (e.args.toRequester ?? 0n), 0n);
    const requester = privateKeyToAccount(devAccounts.requesters[0].privateKey).address;
    expect(await marketBalance(stack.h, requester)).toBe(
      requesterBefore - invariants.prices - invariants.fees + toRequester,
    );
    expect(invariants.unfinished).toEqual([]);
    expect(invariants.settledOnChain).toBe(invariants.byStatus.verified);
    expect(invariants.notIncluded).toEqual([]);
    expect(invariants.inSeveralBatches).toEqual([]);
    expect(invariants.batchMismatches).toEqual([]);
    expect(invariants.stuckAssignments).toEqual([]);
  });
});
