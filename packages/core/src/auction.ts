import { freeCollateral, requiredCollateral } from './collateral.ts';
import {
  cachesCircuit,
  checkEligibility,
  compareText,
  defaultEligibilityPolicy,
  type EligibilityPolicy,
  type IneligibilityReason,
  type JobSnapshot,
  type ProverSnapshot,
} from './eligibility.ts';
import { clampReliability } from './reliability.ts';
import { TenderError } from './TenderError.ts';

/** A sealed bid as the prover signed it (EIP-712: job, price, eta, collateral). */
export interface Bid {
  readonly id: string;
  readonly jobId: string;
  /** The bidding prover's address; compared case-insensitively. */
  readonly prover: string;
  /** What the prover asks to be paid. */
  readonly priceWei: bigint;
  /** How long after the award the prover promises the proof, ms. */
  readonly etaMs: number;
  /** Collateral the prover pledges; must cover the job's required collateral. */
  readonly collateralWei: bigint;
  /** When the bid arrived, ms since epoch. */
  readonly submittedAt: number;
  /** When the signed bid stops being valid, ms since epoch. */
  readonly expiresAt: number;
}

/**
 * Weights of the scoring rule, in points. The defaults sum to 100, so a
 * perfect bid (free, instant, fully reliable, cached) scores 100 points.
 */
export interface ScoringWeights {
  readonly price: number;
  readonly time: number;
  readonly reliability: number;
  readonly cache: number;
}

/** Who may bid (eligibility) and how bids are scored. */
export interface AuctionPolicy extends EligibilityPolicy {
  readonly weights: ScoringWeights;
}

/** Defaults: price 50, time 25, reliability 20, cache 5 points; {@link defaultEligibilityPolicy}. */
export const defaultAuctionPolicy: AuctionPolicy = {
  ...defaultEligibilityPolicy,
  weights: { price: 50, time: 25, reliability: 20, cache: 5 },
};

/** Everything a bid is judged against. */
export interface AuctionContext {
  readonly job: JobSnapshot;
  /** When the auction is decided, ms since epoch. */
  readonly now: number;
  /** Provers by lowercase address (see {@link proversByAddress}). */
  readonly provers: ReadonlyMap<string, ProverSnapshot>;
  readonly policy?: AuctionPolicy;
}

/** Why a bid was refused; stable strings, shown to provers. */
export type BidRejectionReason =
  | 'job_mismatch'
  | 'invalid_bid'
  | 'bid_expired'
  | 'unknown_prover'
  | 'prover_ineligible'
  | 'over_max_fee'
  | 'below_price_floor'
  | 'collateral_below_required'
  | 'collateral_unavailable'
  | 'cannot_meet_deadline';

/** Each part of a bid's score, in millionths (0..1 000 000) before weighting. */
export interface ScoreBreakdown {
  /** `1 − price / maxFee`. */
  readonly pricePpm: number;
  /** `1 − eta / timeLeft`, where timeLeft is the time from now to the job's deadline. */
  readonly timePpm: number;
  /** The prover's reliability. */
  readonly reliabilityPpm: number;
  /** Whether the prover already caches the circuit's artifacts. */
  readonly cached: boolean;
}

/** A bid that passed every check, with its score (weighted millionths; 100 points = 100 000 000). */
export interface ScoredBid {
  readonly bid: Bid;
  readonly score: number;
  readonly breakdown: ScoreBreakdown;
}

/** A bid that failed a check, with the stable reason (and the eligibility reason, when that was it). */
export interface RejectedBid {
  readonly bid: Bid;
  readonly reason: BidRejectionReason;
  readonly ineligibility?: IneligibilityReason;
}

/** The answer of {@link scoreBid}. */
export type BidVerdict =
  | ({ readonly accepted: true } & ScoredBid)
  | ({ readonly accepted: false } & RejectedBid);

/** The decision of an auction round. */
export interface AuctionResult {
  /** The best accepted bid, or `null` when no bid was acceptable. */
  readonly winner: ScoredBid | null;
  /** Every accepted bid, best first. */
  readonly ranked: readonly ScoredBid[];
  /** Every refused bid with its reason, in the order given. */
  readonly rejected: readonly RejectedBid[];
}

const PPM = 1_000_000;
const PPM_N = 1_000_000n;

/** Indexes provers by lowercase address, as {@link AuctionContext.provers} expects. */
export function proversByAddress(provers: readonly ProverSnapshot[]): Map<string, ProverSnapshot> {
  return new Map(provers.map((prover) => [prover.address.toLowerCase(), prover]));
}

/**
 * Checks one bid and, when it passes, scores it. Checks, in order: the bid is
 * for this job; its numbers make sense (price and collateral ≥ 0, eta a
 * positive whole number of ms); it has not expired (`expiresAt > now`); the
 * prover is known and eligible ({@link checkEligibility}); price ≤ the job's
 * max fee; price ≥ the prover's floor; pledged collateral ≥ the required
 * collateral and ≤ the prover's free collateral; `now + eta ≤ deadline`.
 *
 * The score (see the package README):
 * `score = wPrice·(1 − price/maxFee) + wTime·(1 − eta/timeLeft) + wReliability·reliability + wCache·[cached]`,
 * each term computed in whole millionths, rounded down, so the result is an
 * exact integer and the same on every machine.
 *
 * @example
 * const verdict = scoreBid(bid, { job, now, provers: proversByAddress(list) });
 * if (!verdict.accepted) console.log(verdict.reason); // e.g. 'over_max_fee'
 */
export function scoreBid(bid: Bid, context: AuctionContext): BidVerdict {
  const { job, now } = context;
  const policy = context.policy ?? defaultAuctionPolicy;
  if (bid.jobId !== job.id) return reject(bid, 'job_mismatch');
  if (bid.priceWei < 0n || bid.collateralWei < 0n || !Number.isSafeInteger(bid.etaMs) || bid.etaMs <= 0) {
    return reject(bid, 'invalid_bid');
  }
  if (!(bid.expiresAt > now)) return reject(bid, 'bid_expired');
  const prover = context.provers.get(bid.prover.toLowerCase());
  if (prover === undefined) return reject(bid, 'unknown_prover');
  const eligibility = checkEligibility(prover, job, now, policy);
  if (!eligibility.eligible)
    return { accepted: false, bid, reason: 'prover_ineligible', ineligibility: eligibility.reason };
  if (bid.priceWei > job.maxFeeWei) return reject(bid, 'over_max_fee');
  if (bid.priceWei < prover.priceFloorWei) return reject(bid, 'below_price_floor');
  if (bid.collateralWei < requiredCollateral(job.maxFeeWei, policy.collateral)) {
    return reject(bid, 'collateral_below_required');
  }
  if (bid.collateralWei > freeCollateral(prover.collateral)) return reject(bid, 'collateral_unavailable');
  if (!(now + bid.etaMs <= job.deadlineAt)) return reject(bid, 'cannot_meet_deadline');

  const timeLeftMs = Math.floor(job.deadlineAt - now); // ≥ etaMs ≥ 1 here
  const breakdown: ScoreBreakdown = {
    pricePpm: job.maxFeeWei === 0n ? PPM : Number(((job.maxFeeWei - bid.priceWei) * PPM_N) / job.maxFeeWei),
    timePpm: Number((BigInt(timeLeftMs - bid.etaMs) * PPM_N) / BigInt(timeLeftMs)),
    reliabilityPpm: Math.floor(clampReliability(prover.reliability) * PPM),
    cached: cachesCircuit(prover, job.circuitId),
  };
  const w = policy.weights;
  assertWeights(w);
  const score =
    w.price * breakdown.pricePpm +
    w.time * breakdown.timePpm +
    w.reliability * breakdown.reliabilityPpm +
    (breakdown.cached ? w.cache * PPM : 0);
  return { accepted: true, bid, score, breakdown };
}

/**
 * The ranking order of accepted bids: higher score first; on equal scores the
 * lower price, then the earlier bid, then the lower prover address, then the
 * lower bid id. It is a total order, so the ranking never depends on input order.
 */
export function compareScoredBids(a: ScoredBid, b: ScoredBid): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.bid.priceWei !== b.bid.priceWei) return a.bid.priceWei < b.bid.priceWei ? -1 : 1;
  if (a.bid.submittedAt !== b.bid.submittedAt) return a.bid.submittedAt - b.bid.submittedAt;
  const byProver = compareText(a.bid.prover.toLowerCase(), b.bid.prover.toLowerCase());
  return byProver !== 0 ? byProver : compareText(a.bid.id, b.bid.id);
}

/**
 * Decides an auction round: scores every bid with {@link scoreBid}, ranks the
 * accepted ones with {@link compareScoredBids} and names the first the winner.
 * No acceptable bid (or no bid at all) → `winner: null`.
 *
 * @example
 * const { winner, rejected } = pickWinner(bids, { job, now, provers });
 */
export function pickWinner(bids: readonly Bid[], context: AuctionContext): AuctionResult {
  const ranked: ScoredBid[] = [];
  const rejected: RejectedBid[] = [];
  for (const bid of bids) {
    const verdict = scoreBid(bid, context);
    if (verdict.accepted)
      ranked.push({ bid: verdict.bid, score: verdict.score, breakdown: verdict.breakdown });
    else rejected.push(withoutAccepted(verdict));
  }
  ranked.sort(compareScoredBids);
  return { winner: ranked[0] ?? null, ranked, rejected };
}

/**
 * Checks a bid as it arrives and returns its score, or throws.
 *
 * @throws TenderError `TENDER_BID_REJECTED` (422) with `details: { reason, bidId, prover, ineligibility? }`.
 */
export function assertBidAcceptable(bid: Bid, context: AuctionContext): ScoredBid {
  const verdict = scoreBid(bid, context);
  if (verdict.accepted) return { bid: verdict.bid, score: verdict.score, breakdown: verdict.breakdown };
  const details: Record<string, unknown> = { reason: verdict.reason, bidId: bid.id, prover: bid.prover };
  if (verdict.ineligibility !== undefined) details['ineligibility'] = verdict.ineligibility;
  throw new TenderError('TENDER_BID_REJECTED', `bid rejected: ${verdict.ineligibility ?? verdict.reason}`, {
    details,
  });
}

function reject(bid: Bid, reason: BidRejectionReason): BidVerdict {
  return { accepted: false, bid, reason };
}

function withoutAccepted(verdict: { accepted: false } & RejectedBid): RejectedBid {
  return verdict.ineligibility === undefined
    ? { bid: verdict.bid, reason: verdict.reason }
    : { bid: verdict.bid, reason: verdict.reason, ineligibility: verdict.ineligibility };
}

function assertWeights(weights: ScoringWeights): void {
  for (const [name, value] of Object.entries(weights)) {
    if (!Number.isSafeInteger(value) || value < 0 || value > 1_000_000) {
      throw new TenderError(
        'TENDER_CONFIG_INVALID',
        `scoring weight ${name} must be a whole number in 0..1000000`,
        {
          details: { [name]: value },
        },
      );
    }
  }
}
