// Over 300 lines on purpose: the dashboard snapshot is one read transaction; its row types and the queries that fill them stay together.
import {
  activeAssignmentStatuses,
  type BatchStatus,
  batchStatuses,
  type JobStatus,
  jobStatuses,
  type SlashStatus,
  slashStatuses,
} from '@tender/core';
import { weiFromDecimal } from '@tender/db';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { settledMoney } from '../settlement/settledMoney.ts';

/**
 * What the operator dashboard shows, read from Postgres in one go. It is a
 * wire view: amounts are wei as decimal strings (field names end in `Wei`),
 * times are ms since epoch (null when not reached yet), gas is a plain number.
 */
export interface OperatorOverview {
  /** When this overview was read (the market clock, ms). */
  generatedAt: number;
  jobs: { total: number; byStatus: Record<JobStatus, number> };
  auctions: { open: number };
  provers: { total: number; alive: number; list: OperatorProverRow[] };
  /** The most recently changed jobs, newest change first. */
  recentJobs: OperatorJobRow[];
  batches: {
    byStatus: Record<BatchStatus, number>;
    /** Proofs settled in confirmed batches. */
    confirmedProofs: number;
    /** Gas used by every confirmed batch together. */
    confirmedGasUsed: number;
    /** `confirmedGasUsed / confirmedProofs`, rounded; null before the first confirmed batch. */
    gasPerProof: number | null;
    /** The newest batches first. */
    recent: OperatorBatchRow[];
  };
  slashes: {
    byStatus: Record<SlashStatus, number>;
    /** Stake taken from provers by confirmed slashes. */
    slashedWei: string;
    /** The newest slashes first. */
    recent: OperatorSlashRow[];
  };
  money: {
    /** Taken from requesters' escrow for verified jobs: prices plus fees (`paidToProversWei + feesEarnedWei`). */
    escrowSettledWei: string;
    /** Paid to provers for verified jobs (the accepted prices, in full). */
    paidToProversWei: string;
    /**
     * Market fees requesters paid on top of the prices of verified jobs, as the contract charges
     * them: `floor(sum of a requester's prices in a batch × feeBps / 10 000)` per confirmed batch
     * and requester (see `settledMoney`).
     */
    feesEarnedWei: string;
    /** Prices of jobs proven or batched but not settled on-chain yet (the fee comes on top). */
    awaitingSettlementWei: string;
    /** Provers' collateral locked in live assignments. */
    collateralLockedWei: string;
  };
  throughput: {
    verifiedLastMinute: number;
    verifiedLastHour: number;
    provenLastMinute: number;
    provenLastHour: number;
  };
}

/** One prover as the operator sees it. */
export interface OperatorProverRow {
  id: string;
  address: string;
  name: string | null;
  kind: 'gpu' | 'cpu';
  /** Heartbeat younger than the market's heartbeat TTL. */
  alive: boolean;
  lastHeartbeatAt: number | null;
  /** Score in [0, 1]. */
  reliability: number;
  maxConcurrency: number;
  /** Assignments awarded, proving or submitted. */
  activeAssignments: number;
  stakeWei: string;
  collateralTotalWei: string;
  collateralLockedWei: string;
}

/** One job in the recent-jobs table. */
export interface OperatorJobRow {
  id: string;
  status: JobStatus;
  statusReason: string | null;
  circuitId: string;
  circuitName: string;
  round: number;
  maxFeeWei: string;
  /** Price of the latest award; null before the first award. */
  priceWei: string | null;
  /** Address of the prover of the latest award; null before the first award. */
  proverAddress: string | null;
  createdAt: number;
  updatedAt: number;
}

/** One settlement batch. */
export interface OperatorBatchRow {
  id: string;
  status: BatchStatus;
  size: number;
  txHash: string | null;
  blockNumber: number | null;
  gasUsed: number | null;
  /** `gasUsed / size`, rounded; null until the receipt is in. */
  gasPerProof: number | null;
  attempts: number;
  error: string | null;
  createdAt: number;
  confirmedAt: number | null;
}

/** One slash. */
export interface OperatorSlashRow {
  id: string;
  status: SlashStatus;
  proverAddress: string;
  jobId: string;
  txHash: string | null;
  slashedWei: string | null;
  challengerRewardWei: string | null;
  requesterRewardWei: string | null;
  error: string | null;
  createdAt: number;
}

/** How many rows each table of the overview holds. */
export interface OperatorOverviewLimits {
  /** Default 50. */
  recentJobs?: number;
  /** Default 20. */
  batches?: number;
  /** Default 20. */
  slashes?: number;
  /** Default 200 (alive provers first). */
  provers?: number;
}

/** The part of {@link MarketDeps} the overview reads (any MarketDeps will do). */
export type OperatorOverviewDeps = Pick<MarketDeps, 'prisma' | 'config' | 'now'>;

const ms = (date: Date | null): number | null => (date === null ? null : date.getTime());
const wei = (value: { toFixed(): string } | null): string | null =>
  value === null ? null : weiFromDecimal(value).toString();
const perProof = (gas: bigint | null, size: number): number | null =>
  gas === null || size === 0 ? null : Math.round(Number(gas) / size);

function countsBy<S extends string>(
  statuses: readonly S[],
  groups: readonly { status: S; _count: { _all: number } }[],
): Record<S, number> {
  const counts = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<S, number>;
  for (const g of groups) counts[g.status] = g._count._all;
  return counts;
}

/**
 * Reads everything the operator dashboard shows, in one round of parallel,
 * index-backed queries: jobs by status, open auctions, provers (alive by the
 * heartbeat TTL, reliability, stake, collateral, live assignments), the 50
 * most recently changed jobs, the last 20 batches (gas per proof) and
 * slashes, the money settled and earned, and how many jobs were proven and
 * verified in the last minute and hour.
 *
 * Money comes from Postgres rows ({@link settledMoney}): a verified job's
 * accepted assignment price was paid to its prover in full, and its requester
 * paid that price plus the market fee, `floor(p × feeBps / 10 000)` on the sum
 * `p` of its prices in the confirmed batch that settled them, with the
 * market's configured `feeBps` (the contract's rule).
 *
 * @example
 * const overview = await operatorOverview(deps);
 * overview.jobs.byStatus.verified; // 40
 */
export async function operatorOverview(
  deps: OperatorOverviewDeps,
  limits: OperatorOverviewLimits = {},
): Promise<OperatorOverview> {
  const { prisma, config } = deps;
  const now = deps.now();
  const aliveSince = new Date(now - config.heartbeatTtlMs);
  const minuteAgo = new Date(now - 60_000);
  const hourAgo = new Date(now - 3_600_000);

  const [
    jobGroups,
    openAuctions,
    proverTotal,
    proverAlive,
    proverRows,
    activeGroups,
    collateral,
    jobRows,
    batchGroups,
    confirmedBatches,
    batchRows,
    slashGroups,
    slashed,
    slashRows,
    settled,
    awaiting,
    throughput,
  ] = await Promise.all([
    prisma.job.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.auction.count({ where: { status: 'open' } }),
    prisma.prover.count(),
    prisma.prover.count({ where: { lastHeartbeatAt: { gte: aliveSince } } }),
    prisma.prover.findMany({
      orderBy: [{ lastHeartbeatAt: { sort: 'desc', nulls: 'last' } }, { address: 'asc' }],
      take: limits.provers ?? 200,
    }),
    prisma.assignment.groupBy({
      by: ['proverId'],
      where: { status: { in: [...activeAssignmentStatuses] } },
      _count: { _all: true },
    }),
    prisma.prover.aggregate({ _sum: { collateralLockedWei: true } }),
    prisma.job.findMany({
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      take: limits.recentJobs ?? 50,
      select: {
        id: true,
        status: true,
        statusReason: true,
        circuitId: true,
        round: true,
        maxFeeWei: true,
        createdAt: true,
        updatedAt: true,
        circuit: { select: { name: true } },
        assignments: {
          orderBy: { round: 'desc' },
          take: 1,
          select: { priceWei: true, prover: { select: { address: true } } },
        },
      },
    }),
    prisma.batch.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.batch.aggregate({ where: { status: 'confirmed' }, _sum: { size: true, gasUsed: true } }),
    prisma.batch.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limits.batches ?? 20 }),
    prisma.slash.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.slash.aggregate({ where: { status: 'confirmed' }, _sum: { slashedWei: true } }),
    prisma.slash.findMany({
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limits.slashes ?? 20,
      include: { prover: { select: { address: true } } },
    }),
    settledMoney(prisma, config.feeBps),
    // Summed exactly in numeric (no float, no bigint overflow).
    prisma.$queryRaw<{ awaiting: string }[]>`
      SELECT coalesce(sum(a.price_wei), 0)::text AS awaiting
      FROM assignments a
      JOIN jobs j ON j.id = a.job_id
      WHERE a.status = 'accepted' AND j.status IN ('proven', 'batched')`,
    Promise.all([
      prisma.job.count({ where: { verifiedAt: { gte: minuteAgo } } }),
      prisma.job.count({ where: { verifiedAt: { gte: hourAgo } } }),
      prisma.job.count({ where: { provenAt: { gte: minuteAgo } } }),
      prisma.job.count({ where: { provenAt: { gte: hourAgo } } }),
    ]),
  ]);

  const active = new Map(activeGroups.map((g) => [g.proverId, g._count._all]));
  const byStatus = countsBy(jobStatuses, jobGroups);
  const confirmedProofs = confirmedBatches._sum.size ?? 0;
  const confirmedGas = confirmedBatches._sum.gasUsed ?? 0n;
  const [verifiedLastMinute, verifiedLastHour, provenLastMinute, provenLastHour] = throughput;

  return {
    generatedAt: now,
    jobs: { total: Object.values<number>(byStatus).reduce((a, b) => a + b, 0), byStatus },
    auctions: { open: openAuctions },
    provers: {
      total: proverTotal,
      alive: proverAlive,
      list: proverRows.map((p) => ({
        id: p.id,
        address: p.address,
        name: p.name,
        kind: p.kind,
        alive: p.lastHeartbeatAt !== null && p.lastHeartbeatAt.getTime() >= aliveSince.getTime(),
        lastHeartbeatAt: ms(p.lastHeartbeatAt),
        reliability: p.reliability,
        maxConcurrency: p.maxConcurrency,
        activeAssignments: active.get(p.id) ?? 0,
        stakeWei: weiFromDecimal(p.stakeWei).toString(),
        collateralTotalWei: weiFromDecimal(p.collateralTotalWei).toString(),
        collateralLockedWei: weiFromDecimal(p.collateralLockedWei).toString(),
      })),
    },
    recentJobs: jobRows.map((j) => {
      const latest = j.assignments[0];
      return {
        id: j.id,
        status: j.status,
        statusReason: j.statusReason,
        circuitId: j.circuitId,
        circuitName: j.circuit.name,
        round: j.round,
        maxFeeWei: weiFromDecimal(j.maxFeeWei).toString(),
        priceWei: latest ? weiFromDecimal(latest.priceWei).toString() : null,
        proverAddress: latest ? latest.prover.address : null,
        createdAt: j.createdAt.getTime(),
        updatedAt: j.updatedAt.getTime(),
      };
    }),
    batches: {
      byStatus: countsBy(batchStatuses, batchGroups),
      confirmedProofs,
      confirmedGasUsed: Number(confirmedGas),
      gasPerProof: perProof(confirmedGas, confirmedProofs),
      recent: batchRows.map((b) => ({
        id: b.id,
        status: b.status,
        size: b.size,
        txHash: b.txHash,
        blockNumber: b.blockNumber === null ? null : Number(b.blockNumber),
        gasUsed: b.gasUsed === null ? null : Number(b.gasUsed),
        gasPerProof: perProof(b.gasUsed, b.size),
        attempts: b.attempts,
        error: b.error,
        createdAt: b.createdAt.getTime(),
        confirmedAt: ms(b.confirmedAt),
      })),
    },
    slashes: {
      byStatus: countsBy(slashStatuses, slashGroups),
      slashedWei: wei(slashed._sum.slashedWei) ?? '0',
      recent: slashRows.map((s) => ({
        id: s.id,
        status: s.status,
        proverAddress: s.prover.address,
        jobId: s.jobId,
        txHash: s.txHash,
        slashedWei: wei(s.slashedWei),
        challengerRewardWei: wei(s.challengerRewardWei),
        requesterRewardWei: wei(s.requesterRewardWei),
        error: s.error,
        createdAt: s.createdAt.getTime(),
      })),
    },
    money: {
      escrowSettledWei: (settled.paidWei + settled.feesWei).toString(),
      paidToProversWei: settled.paidWei.toString(),
      feesEarnedWei: settled.feesWei.toString(),
      awaitingSettlementWei: awaiting[0]?.awaiting ?? '0',
      collateralLockedWei: wei(collateral._sum.collateralLockedWei) ?? '0',
    },
    throughput: { verifiedLastMinute, verifiedLastHour, provenLastMinute, provenLastHour },
  };
}
