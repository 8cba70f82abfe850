import { bidPrice, etaMs } from '@tender/core';

/** How a worker prices its bids. */
export interface BidPolicy {
  /** The least it ever bids, wei. */
  priceFloorWei: bigint;
  /** Margin on top of cost, bps (2 000 = +20 %). */
  marginBps: number;
  /** What one second of proving costs the operator (hardware, power), wei. */
  costPerSecondWei: bigint;
  /** Safety margin on the promised time, bps. */
  safetyBps: number;
  /** Expected time to download and check artifacts that are not cached, ms. */
  fetchMs: number;
  /**
   * Time around each proof that its measurement does not cover — the award reaching the worker,
   * the submission and the api's checks — ms. Without it a fast circuit (a few hundred ms) is
   * promised in less time than that round trip takes on a busy machine.
   */
  overheadMs: number;
  /** First guess before any measurement: ms per constraint… */
  guessMsPerConstraint: number;
  /** …plus this much fixed overhead, ms. */
  guessBaseMs: number;
}

/** Local defaults of {@link BidPolicy}. */
export const defaultBidPolicy: BidPolicy = {
  priceFloorWei: 0n,
  marginBps: 2_000,
  costPerSecondWei: 10n ** 12n,
  safetyBps: 5_000,
  fetchMs: 2_000,
  overheadMs: 1_000,
  guessMsPerConstraint: 0.5,
  guessBaseMs: 1_000,
};

/** What the worker knows when an invitation arrives. */
export interface BidSituation {
  /** ms since epoch. */
  now: number;
  /** The invitation's fields that matter. */
  invitation: { maxFee: string; jobDeadline: number; closesAt: number; constraints: number };
  /** Proofs the worker runs at once. */
  concurrency: number;
  /** Assignments it is working on now. */
  running: number;
  /** Bids it placed whose auctions have not been decided yet (each may become an assignment). */
  outstandingBids: number;
  /** Largest circuit it takes. */
  maxConstraints: number;
  /** Whether it already caches the circuit's artifacts. */
  cached: boolean;
  /** Its measured (or scaled) proving time for this circuit, ms; `null` when it has none. */
  measuredMs: number | null;
  /** The worker is shutting down. */
  stopping: boolean;
}

/** Why a worker does not bid. */
export type SkipReason =
  | 'stopping'
  | 'closed'
  | 'at_capacity'
  | 'measuring'
  | 'too_large'
  | 'too_slow'
  | 'too_expensive';

/** The outcome of {@link decideBid}. */
export type BidDecision =
  | { bid: true; price: bigint; etaMs: number; provingMsEstimate: number }
  | { bid: false; reason: SkipReason };

/**
 * Whether and how to bid on an invitation — pure. Never beyond capacity:
 * running assignments plus undecided bids must stay below the concurrency
 * (each bid may be won). The promised time is core `etaMs` over the measured
 * proving time (or a first guess from the constraint count) plus the
 * per-proof overhead (award delivery, submission), counting queued
 * work and the download when not cached; the price is core `bidPrice` (cost
 * per second × time, plus margin, at least the floor). It skips a job it
 * cannot finish before the deadline or that pays less than its price, and,
 * while it has no measurement for the circuit, any job while other work is in
 * flight or bid for (`measuring`).
 *
 * @example
 * decideBid({ now, invitation, concurrency: 1, running: 0, outstandingBids: 0, maxConstraints: 1e6,
 *   cached: true, measuredMs: 800, stopping: false }, defaultBidPolicy);
 */
export function decideBid(s: BidSituation, policy: BidPolicy = defaultBidPolicy): BidDecision {
  if (s.stopping) return { bid: false, reason: 'stopping' };
  if (s.now >= s.invitation.closesAt) return { bid: false, reason: 'closed' };
  if (s.running + s.outstandingBids >= s.concurrency) return { bid: false, reason: 'at_capacity' };
  // Without a measurement the promised time is a guess, and the first proofs also pay the cold
  // start (proving threads, loading the circuit): promised for several jobs at once, one wrong guess
  // misses all their deadlines. So it takes one job at a time until its first proof is measured.
  if (s.measuredMs === null && s.running + s.outstandingBids > 0) return { bid: false, reason: 'measuring' };
  if (s.invitation.constraints > s.maxConstraints) return { bid: false, reason: 'too_large' };
  const provingMsEstimate =
    s.measuredMs ?? Math.ceil(policy.guessBaseMs + s.invitation.constraints * policy.guessMsPerConstraint);
  const eta = etaMs({
    provingMsEstimate: provingMsEstimate + policy.overheadMs,
    activeAssignments: s.running,
    concurrency: s.concurrency,
    cached: s.cached,
    fetchMs: policy.fetchMs,
    safetyBps: policy.safetyBps,
  });
  // The work starts once the auction closes at the earliest.
  if (Math.max(s.now, s.invitation.closesAt) + eta > s.invitation.jobDeadline) {
    return { bid: false, reason: 'too_slow' };
  }
  const price = bidPrice({
    provingMsEstimate,
    priceFloor: policy.priceFloorWei,
    marginBps: policy.marginBps,
    costPerSecondWei: policy.costPerSecondWei,
  });
  if (price > BigInt(s.invitation.maxFee)) return { bid: false, reason: 'too_expensive' };
  return { bid: true, price, etaMs: eta, provingMsEstimate };
}
