// Helpers for the auction-side tests (not exported from the package): real
// stake transactions on the harness anvil, real circuit rows for the built-in
// `tiny` circuit, jobs, and EIP-712 signatures with the dev prover keys.

import { randomBytes } from 'node:crypto';
import {
  bidTypes,
  chainFor,
  type DevAccount,
  devAccounts,
  proofSubmissionTypes,
  tenderDomain,
  tenderStakingAbi,
} from '@tender/chain';
import { buildBuiltinCircuit, loadBuiltinModel, modelInput } from '@tender/circuits';
import type { Circuit, Job, TenderPrisma } from '@tender/db';
import { subscribeEvents } from '@tender/queue';
import {
  calculateWitness,
  circuitIdOf,
  type Groth16Proof,
  hashArtifacts,
  proofHash,
  publicSignalsHash,
  toPublicSignals,
  toSolidityProof,
} from '@tender/zk';
import { createWalletClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  type ProverView,
  type RegisterProverInput,
  readStake,
  registerProver,
} from '../provers/registerProver.ts';
import type { MarketHarness } from './marketHarness.ts';

export const ETH = 10n ** 18n;

/** Every dev key a test may use as a prover (the three prover keys, then the requester keys). */
export const proverKeys: readonly DevAccount[] = [...devAccounts.provers, ...devAccounts.requesters];

/** Stakes `amount` wei for `account` in the harness's staking contract (a real transaction). */
export async function stake(h: MarketHarness, account: DevAccount, amount: bigint): Promise<void> {
  const wallet = walletFor(h, account);
  const hash = await wallet.writeContract({
    address: h.deployment.addresses.staking,
    abi: tenderStakingAbi,
    functionName: 'stake',
    value: amount,
  });
  await h.deps.publicClient.waitForTransactionReceipt({ hash });
}

/** Asks to unstake `amount` (it stops counting at once: `stakeOf` = total − pending). */
export async function requestUnstake(h: MarketHarness, account: DevAccount, amount: bigint): Promise<void> {
  const hash = await walletFor(h, account).writeContract({
    address: h.deployment.addresses.staking,
    abi: tenderStakingAbi,
    functionName: 'requestUnstake',
    args: [amount],
  });
  await h.deps.publicClient.waitForTransactionReceipt({ hash });
}

function walletFor(h: MarketHarness, account: DevAccount) {
  return createWalletClient({
    account: privateKeyToAccount(account.privateKey),
    chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
    transport: http(h.anvil.rpcUrl),
  });
}

/** The built-in `tiny` circuit (cached build) and a circuit row for it with real artifact paths. */
export async function insertTinyCircuit(prisma: TenderPrisma) {
  const built = await buildBuiltinCircuit('tiny');
  const hashes = await hashArtifacts(built);
  const id = circuitIdOf(hashes);
  const hex = (h: string) => h.replace(/^0x/, '');
  const row = await prisma.circuit.upsert({
    where: { id },
    update: {},
    create: {
      id,
      name: 'tiny',
      builtin: true,
      wasmSha256: hex(hashes.wasmSha256),
      wasmSize: 1n,
      wasmPath: built.wasmPath,
      zkeySha256: hex(hashes.zkeySha256),
      zkeySize: 307_506n,
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
  /** The input for 16 pixels seeded by `n`, and the public signals it must yield. */
  const inputFor = async (n: number) => {
    const input = modelInput(
      model,
      Array.from({ length: 16 }, (_, i) => (i * 37 + n * 11) % 256),
    );
    const witness = await calculateWitness(built.wasmPath, input);
    const expected = witness.slice(1, 1 + built.publicSignals).map(String);
    return { input, expected };
  };
  return { row, built, inputFor };
}

/** Inserts a requester and a job in `submitted` (round 0) with a random on-chain id. */
export async function insertJob(
  prisma: TenderPrisma,
  circuit: Circuit,
  opts: {
    maxFeeWei?: bigint;
    deadline: Date;
    input?: unknown;
    expectedPublicSignals?: string[];
    requesterId?: string;
  },
): Promise<Job> {
  const requesterId =
    opts.requesterId ??
    (
      await prisma.requester.create({
        data: { name: 'r', address: `0x${randomBytes(20).toString('hex')}` },
      })
    ).id;
  const job = await prisma.job.create({
    data: {
      requesterId,
      circuitId: circuit.id,
      input: (opts.input ?? {}) as object,
      inputHash: `0x${randomBytes(32).toString('hex')}`,
      maxFeeWei: (opts.maxFeeWei ?? 10n ** 16n).toString(),
      deadline: opts.deadline,
      chainJobId: `0x${randomBytes(32).toString('hex')}`,
      expectedPublicSignals: opts.expectedPublicSignals ?? [],
      requestNonce: '0',
    },
  });
  await prisma.jobEvent.create({ data: { jobId: job.id, toStatus: 'submitted', round: 0 } });
  return job;
}

/** A prover's EIP-712 Bid signature. */
export function signBid(
  h: MarketHarness,
  account: DevAccount,
  bid: { chainJobId: string; price: bigint; etaMs: number; expiresAt: number },
): Promise<Hex> {
  return privateKeyToAccount(account.privateKey).signTypedData({
    domain: tenderDomain(h.deployment.chainId, h.deployment.addresses.market),
    types: bidTypes,
    primaryType: 'Bid',
    message: {
      jobId: bid.chainJobId as Hex,
      price: bid.price,
      etaMs: BigInt(bid.etaMs),
      expiresAt: BigInt(bid.expiresAt),
      prover: account.address,
    },
  });
}

/** A prover's EIP-712 ProofSubmission signature over the proof and signals it sends. */
export function signSubmission(
  h: MarketHarness,
  account: DevAccount,
  s: { chainJobId: string; circuitId: string; proof: Groth16Proof; publicSignals: string[] },
): Promise<Hex> {
  return privateKeyToAccount(account.privateKey).signTypedData({
    domain: tenderDomain(h.deployment.chainId, h.deployment.addresses.market),
    types: proofSubmissionTypes,
    primaryType: 'ProofSubmission',
    message: {
      jobId: s.chainJobId as Hex,
      circuitId: s.circuitId as Hex,
      proofHash: proofHash(toSolidityProof(s.proof)),
      publicSignalsHash: publicSignalsHash(toPublicSignals(s.publicSignals)),
      prover: account.address,
    },
  });
}

/** A settable clock for `createMarketHarness({ now })`. */
export function testClock(start = Date.now()) {
  let t = start;
  return {
    now: () => t,
    set(ms: number) {
      t = ms;
    },
    advance(ms: number) {
      t += ms;
    },
  };
}

/**
 * Stakes 1 ETH for `account` (unless it already has stake) and registers it as
 * a prover able to take the `tiny` circuit; `overrides` change the declaration.
 */
export async function registerDevProver(
  h: MarketHarness,
  account: DevAccount,
  overrides: Partial<RegisterProverInput> = {},
): Promise<ProverView> {
  if ((await readStake(h.deps, account.address)) === 0n) await stake(h, account, ETH);
  return registerProver(h.deps, {
    address: account.address,
    kind: 'cpu',
    maxConcurrency: 2,
    memoryMb: 4_096,
    maxConstraints: 100_000,
    cachedCircuitIds: [],
    priceFloorWei: 0n,
    ...overrides,
  });
}

/** Collects the events published on one Redis channel of the harness. */
export async function listen<T>(h: MarketHarness, channel: string) {
  const received: T[] = [];
  const subscription = await subscribeEvents<T>(h.redis, channel, (event) => received.push(event));
  return {
    received,
    /** Waits until `predicate` holds for the events so far (pub/sub is asynchronous). */
    async until(predicate: (events: T[]) => boolean, timeoutMs = 5_000): Promise<T[]> {
      const end = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > end)
          throw new Error(`events on ${channel} never matched: ${JSON.stringify(received)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received;
    },
    close: () => subscription.close(),
  };
}
