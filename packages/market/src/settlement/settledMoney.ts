import type { TenderPrisma } from '@tender/db';

/** What settling the verified jobs moved, in wei. */
export interface SettledMoney {
  /** Paid to provers: the accepted prices of verified jobs, in full. */
  paidWei: bigint;
  /** Market fees the requesters paid on top of those prices (went to the treasury). */
  feesWei: bigint;
}

/**
 * The money of the verified jobs under `TenderMarket.settleBatch`'s rule: each
 * prover got its prices in full, and each requester paid, per confirmed batch,
 * the sum `p` of its prices in that batch plus `floor(p × feeBps / 10 000)`.
 * So requesters' escrow fell by `paidWei + feesWei`.
 *
 * Jobs are grouped by the confirmed batch that settled them (the batch row
 * with status `confirmed` among the job's batch items) and by requester, and
 * the fee is floored once per group, as the contract does. A verified job with
 * no confirmed batch row (rows written by hand, imports) counts as its own
 * group, i.e. its fee is floored per job: an estimate for those only. Sums are
 * exact in Postgres `numeric` (no float, no 64-bit overflow).
 *
 * @example
 * const { paidWei, feesWei } = await settledMoney(prisma, 250);
 * const escrowSettledWei = paidWei + feesWei;
 */
export async function settledMoney(prisma: TenderPrisma, feeBps: number): Promise<SettledMoney> {
  const bps = BigInt(feeBps);
  const [row] = await prisma.$queryRaw<{ paid: string; fees: string }[]>`
    SELECT coalesce(sum(g.price), 0)::text AS paid,
           coalesce(sum(div(g.price * ${bps}, 10000)), 0)::text AS fees
    FROM (
      SELECT sum(a.price_wei) AS price
      FROM assignments a
      JOIN jobs j ON j.id = a.job_id
      LEFT JOIN LATERAL (
        SELECT bi.batch_id FROM batch_items bi JOIN batches b ON b.id = bi.batch_id
        WHERE bi.job_id = j.id AND b.status = 'confirmed'
        LIMIT 1
      ) settled ON true
      WHERE a.status = 'accepted' AND j.status = 'verified'
      GROUP BY coalesce(settled.batch_id, j.id), j.requester_id
    ) g`;
  return { paidWei: BigInt(row?.paid ?? '0'), feesWei: BigInt(row?.fees ?? '0') };
}
