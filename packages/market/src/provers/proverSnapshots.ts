import type { ProverSnapshot } from '@tender/core';
import { activeAssignmentStatuses } from '@tender/core';
import { type Prover, type TenderQueryable, weiFromDecimal } from '@tender/db';

/** A prover row with the core snapshot the auction rules judge it by. */
export interface ProverWithSnapshot {
  row: Prover;
  snapshot: ProverSnapshot;
}

/**
 * Reads provers and turns them into core {@link ProverSnapshot}s (stake, last
 * heartbeat, active assignments against concurrency, collateral, size limits,
 * reliability, price floor, cached circuits). Select them by `ids`, or every
 * prover whose heartbeat is at or after `aliveSince` (the invitation pool).
 */
export async function proverSnapshots(
  db: TenderQueryable,
  select: { ids: readonly string[] } | { aliveSince: Date },
): Promise<ProverWithSnapshot[]> {
  const rows = await db.prover.findMany({
    where:
      'ids' in select ? { id: { in: [...select.ids] } } : { lastHeartbeatAt: { gte: select.aliveSince } },
    orderBy: { address: 'asc' },
  });
  if (rows.length === 0) return [];
  const counts = await db.assignment.groupBy({
    by: ['proverId'],
    where: { proverId: { in: rows.map((r) => r.id) }, status: { in: [...activeAssignmentStatuses] } },
    _count: { _all: true },
  });
  const active = new Map(counts.map((c) => [c.proverId, c._count._all]));
  return rows.map((row) => ({ row, snapshot: toProverSnapshot(row, active.get(row.id) ?? 0) }));
}

/** The core snapshot of one prover row. A prover that never sent a heartbeat counts as last seen at 0. */
export function toProverSnapshot(row: Prover, activeAssignments: number): ProverSnapshot {
  return {
    address: row.address,
    kind: row.kind,
    stakeWei: weiFromDecimal(row.stakeWei),
    lastHeartbeatAt: row.lastHeartbeatAt?.getTime() ?? 0,
    activeAssignments,
    concurrency: row.maxConcurrency,
    collateral: {
      totalWei: weiFromDecimal(row.collateralTotalWei),
      lockedWei: weiFromDecimal(row.collateralLockedWei),
    },
    maxConstraints: row.maxConstraints,
    memoryMb: row.memoryMb,
    reliability: row.reliability,
    priceFloorWei: weiFromDecimal(row.priceFloorWei),
    cachedCircuitIds: row.cachedCircuitIds,
  };
}
