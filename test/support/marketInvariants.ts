import type { TenderDeployment } from '@tender/chain';
import { circuitRegistryAbi, tenderMarketAbi, tenderStakingAbi } from '@tender/chain';
import type { MarketDeps } from '@tender/market';
import { type Address, encodePacked, type Hex, keccak256, type Log, parseEventLogs } from 'viem';
import { contractBatchMoney, type SettledJob } from './contractMoney.ts';

/** What {@link checkMarketInvariants} found; every list empty and every count equal means it held. */
export interface InvariantReport {
  jobs: number;
  byStatus: Record<string, number>;
  /** Jobs not in an end state (`verified`, `expired`, `cancelled`). */
  unfinished: string[];
  /** Jobs settled on-chain: the sum of `BatchSettled.jobs`. */
  settledOnChain: number;
  /** Verified jobs whose Merkle inclusion in their batch the contract does not confirm. */
  notIncluded: string[];
  /** Jobs that more than one confirmed batch holds. */
  inSeveralBatches: string[];
  /** Addresses whose on-chain market balance change differs from what their settled prices say. */
  moneyMismatches: { address: string; expected: string; actual: string }[];
  /** Batches whose `BatchSettled` charged/fee differ from the stored jobs' prices. */
  batchMismatches: string[];
  /** Assignments still open although their job has ended. */
  stuckAssignments: string[];
  /** Contract events missing from the indexer's table, and rows the chain does not have. */
  indexerMissing: number;
  indexerExtra: number;
  prices: bigint;
  fees: bigint;
}

/** What the checks read: the market database and the chain. */
export interface MarketView {
  deps: Pick<MarketDeps, 'prisma' | 'publicClient'>;
  deployment: TenderDeployment;
}

/** Market balance (escrow) of an address on-chain. */
export function marketBalance(h: MarketView, address: Address): Promise<bigint> {
  return h.deps.publicClient.readContract({
    address: h.deployment.addresses.market,
    abi: tenderMarketAbi,
    functionName: 'balanceOf',
    args: [address],
  });
}

/** Market balances of some addresses, by lowercase address. */
export async function marketBalances(h: MarketView, addresses: readonly Address[]) {
  const out = new Map<string, bigint>();
  for (const a of addresses) out.set(a.toLowerCase(), await marketBalance(h, a));
  return out;
}

const allAbis = [...tenderMarketAbi, ...tenderStakingAbi, ...circuitRegistryAbi];

/**
 * Checks what the suites promise after any fault, against Postgres and the chain:
 * every job ended (`verified`, `expired` or `cancelled`); the chain settled exactly as many
 * jobs as are verified and includes each verified job in its batch (so none is paid twice);
 * each prover's on-chain balance grew by exactly its settled prices and each requester's
 * escrow fell by exactly its settled prices plus the market fee (`balancesBefore` taken
 * before any job; no slashes expected); each batch's `BatchSettled` charge matches; no
 * assignment is open for an ended job; the indexer's `chain_events` equal the contracts' logs.
 */
export async function checkMarketInvariants(
  h: MarketView,
  balancesBefore: ReadonlyMap<string, bigint>,
): Promise<InvariantReport> {
  const { prisma, publicClient } = h.deps;
  const jobs = await prisma.job.findMany({
    include: {
      requester: { select: { address: true } },
      batchItems: { include: { batch: true } },
      assignments: { include: { prover: { select: { address: true } } } },
    },
  });
  const byStatus: Record<string, number> = {};
  for (const job of jobs) byStatus[job.status] = (byStatus[job.status] ?? 0) + 1;
  const ended = new Set(['verified', 'expired', 'cancelled']);
  const unfinished = jobs.filter((j) => !ended.has(j.status)).map((j) => `${j.id}:${j.status}`);

  const logs = (await publicClient.getLogs({
    address: Object.values(h.deployment.addresses),
    fromBlock: h.deployment.blockNumber,
    toBlock: 'latest',
  })) as Log[];
  const events = parseEventLogs({ abi: allAbis, logs });
  const settledEvents = parseEventLogs({ abi: tenderMarketAbi, logs, eventName: 'BatchSettled' });
  const settledOnChain = settledEvents.reduce((n, e) => n + Number(e.args.jobs), 0);

  const settled = new Map<bigint, SettledJob[]>();
  const notIncluded: string[] = [];
  const inSeveralBatches: string[] = [];
  for (const job of jobs.filter((j) => j.status === 'verified')) {
    const confirmed = job.batchItems.filter((i) => i.batch.status === 'confirmed');
    if (confirmed.length !== 1) {
      inSeveralBatches.push(`${job.id}:${confirmed.length}`);
      continue;
    }
    const batch = confirmed[0]!.batch;
    const accepted = job.assignments.find((a) => a.status === 'accepted');
    const proof = await prisma.proof.findFirst({ where: { jobId: job.id, status: 'valid' } });
    if (!accepted || !proof || batch.chainBatchId === null) {
      notIncluded.push(`${job.id}: no accepted assignment/valid proof/batch id`);
      continue;
    }
    const list = settled.get(batch.chainBatchId) ?? [];
    list.push({
      requester: job.requester.address!,
      prover: accepted.prover.address,
      priceWei: BigInt(accepted.priceWei.toFixed()),
    });
    settled.set(batch.chainBatchId, list);
    // The leaf is recomputed from the stored public signals, not taken from the stored hash.
    const signals = proof.publicSignals;
    const signalsHash = keccak256(
      encodePacked(
        signals.map(() => 'uint256' as const),
        signals.map((s) => BigInt(s)),
      ),
    );
    const item = confirmed[0]!;
    const included = await publicClient.readContract({
      address: h.deployment.addresses.market,
      abi: tenderMarketAbi,
      functionName: 'verifyInclusion',
      args: [
        batch.chainBatchId,
        job.chainJobId as Hex,
        job.circuitId as Hex,
        signalsHash,
        (item.merkleProof ?? []) as Hex[],
      ],
    });
    if (!included) notIncluded.push(job.id);
  }

  const feeBps = h.deployment.params.feeBps;
  const money = contractBatchMoney(settled, feeBps);
  const batchMismatches: string[] = [];
  const chainBatches = new Map(settledEvents.map((e) => [e.args.batchId!, e.args]));
  for (const [batchId, expected] of money.batches) {
    const got = chainBatches.get(batchId);
    if (!got || got.charged !== expected.charged || got.fee !== expected.fee) {
      batchMismatches.push(
        `batch ${batchId}: stored ${expected.charged}/${expected.fee}, chain ${got?.charged}/${got?.fee}`,
      );
    }
  }
  for (const batchId of chainBatches.keys()) {
    if (!money.batches.has(batchId)) batchMismatches.push(`batch ${batchId} on-chain holds no verified job`);
  }

  const moneyMismatches: InvariantReport['moneyMismatches'] = [];
  for (const [address, before] of balancesBefore) {
    const expected =
      before + (money.proverCredits.get(address) ?? 0n) - (money.requesterDebits.get(address) ?? 0n);
    const actual = await marketBalance(h, address as Address);
    if (actual !== expected)
      moneyMismatches.push({ address, expected: expected.toString(), actual: actual.toString() });
  }

  const open = new Set(['awarded', 'proving', 'submitted']);
  const stuckAssignments = jobs
    .filter((j) => ended.has(j.status))
    .flatMap((j) =>
      j.assignments.filter((a) => open.has(a.status)).map((a) => `${j.id}/${a.id}:${a.status}`),
    );

  const rows = await prisma.chainEvent.findMany({
    select: { txHash: true, logIndex: true, eventName: true },
  });
  const key = (tx: string, i: number, name: string) => `${tx.toLowerCase()}:${i}:${name}`;
  const onChain = new Set(events.map((e) => key(e.transactionHash, e.logIndex, e.eventName)));
  const indexed = new Set(rows.map((r) => key(r.txHash, r.logIndex, r.eventName)));
  const indexerMissing = [...onChain].filter((k) => !indexed.has(k)).length;
  const indexerExtra = [...indexed].filter((k) => !onChain.has(k)).length;

  return {
    jobs: jobs.length,
    byStatus,
    unfinished,
    settledOnChain,
    notIncluded,
    inSeveralBatches,
    moneyMismatches,
    batchMismatches,
    stuckAssignments,
    indexerMissing,
    indexerExtra,
    prices: money.prices,
    fees: money.fees,
  };
}
