import { activeAssignmentStatuses, batchStatuses, jobStatuses, slashStatuses } from '@tender/core';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { settledMoney } from '../settlement/settledMoney.ts';

/** One sample of a metric family: an optional name suffix (`_bucket`, `_sum`, `_count`), labels and a value. */
export interface MetricSample {
  /** Appended to the family name (histograms: `_bucket`, `_sum`, `_count`). */
  suffix?: string;
  labels?: Readonly<Record<string, string>>;
  /** A bigint is printed exactly (wei); Prometheus reads it as a float. */
  value: number | bigint;
}

/** A metric family in the Prometheus text exposition format. */
export interface MetricFamily {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*`, e.g. `tender_jobs`. */
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: readonly MetricSample[];
}

/** The part of {@link MarketDeps} the metrics read (any MarketDeps will do). */
export type OperatorMetricsDeps = Pick<MarketDeps, 'prisma' | 'config' | 'now'>;

function byStatus(
  statuses: readonly string[],
  groups: readonly { status: string; _count: { _all: number } }[],
): MetricSample[] {
  const counts = new Map(groups.map((g) => [g.status, g._count._all]));
  return statuses.map((status) => ({ labels: { status }, value: counts.get(status) ?? 0 }));
}

/**
 * The market's state as Prometheus metric families, from a handful of cheap
 * aggregate queries (grouped counts and sums over indexed columns): jobs,
 * batches and slashes by status, open auctions, live assignments, provers
 * and provers alive (heartbeat within the TTL), proofs settled and gas used
 * by confirmed batches, and the wei settled, earned in fees and slashed (money as
 * {@link settledMoney} reads it: fees per confirmed batch and requester, as the contract charges).
 * Every status is present, with 0 when no row has it, so series never vanish.
 *
 * @example
 * const text = renderPrometheus([...(await operatorMetrics(deps)), ...requestMetrics.families()]);
 */
export async function operatorMetrics(deps: OperatorMetricsDeps): Promise<MetricFamily[]> {
  const { prisma, config } = deps;
  const aliveSince = new Date(deps.now() - config.heartbeatTtlMs);
  const [
    jobs,
    batches,
    slashes,
    auctionsOpen,
    assignmentsActive,
    provers,
    proversAlive,
    confirmed,
    slashed,
    money,
  ] = await Promise.all([
    prisma.job.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.batch.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.slash.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.auction.count({ where: { status: 'open' } }),
    prisma.assignment.count({ where: { status: { in: [...activeAssignmentStatuses] } } }),
    prisma.prover.count(),
    prisma.prover.count({ where: { lastHeartbeatAt: { gte: aliveSince } } }),
    prisma.batch.aggregate({ where: { status: 'confirmed' }, _sum: { size: true, gasUsed: true } }),
    prisma.slash.aggregate({ where: { status: 'confirmed' }, _sum: { slashedWei: true } }),
    settledMoney(prisma, config.feeBps),
  ]);
  const { paidWei: paid, feesWei: fees } = money;
  const gauge = (name: string, help: string, value: number): MetricFamily => ({
    name,
    help,
    type: 'gauge',
    samples: [{ value }],
  });
  const counter = (name: string, help: string, value: number | bigint): MetricFamily => ({
    name,
    help,
    type: 'counter',
    samples: [{ value }],
  });
  return [
    { name: 'tender_jobs', help: 'Jobs by status.', type: 'gauge', samples: byStatus(jobStatuses, jobs) },
    gauge('tender_auctions_open', 'Auctions collecting bids.', auctionsOpen),
    gauge('tender_assignments_active', 'Assignments awarded, proving or submitted.', assignmentsActive),
    gauge('tender_provers', 'Registered provers.', provers),
    gauge('tender_provers_alive', 'Provers whose last heartbeat is within the heartbeat TTL.', proversAlive),
    {
      name: 'tender_batches',
      help: 'Batches by status.',
      type: 'gauge',
      samples: byStatus(batchStatuses, batches),
    },
    counter('tender_settled_proofs_total', 'Proofs settled in confirmed batches.', confirmed._sum.size ?? 0),
    counter(
      'tender_settlement_gas_used_total',
      'Gas used by confirmed batches.',
      confirmed._sum.gasUsed ?? 0n,
    ),
    {
      name: 'tender_slashes',
      help: 'Slashes by status.',
      type: 'gauge',
      samples: byStatus(slashStatuses, slashes),
    },
    counter(
      'tender_slashed_wei_total',
      'Stake taken from provers by confirmed slashes (wei).',
      slashed._sum.slashedWei === null ? 0n : BigInt(slashed._sum.slashedWei.toFixed()),
    ),
    counter(
      'tender_escrow_settled_wei_total',
      'Requester escrow settled for verified jobs: prices plus fees (wei).',
      paid + fees,
    ),
    counter(
      'tender_fees_earned_wei_total',
      'Market fees requesters paid on top of the prices of verified jobs (wei).',
      fees,
    ),
  ];
}
