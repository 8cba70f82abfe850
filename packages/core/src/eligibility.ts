import {
  type CollateralAccount,
  type CollateralPolicy,
  defaultCollateralPolicy,
  freeCollateral,
  requiredCollateral,
} from './collateral.ts';
import type { ProverKind } from './enums.ts';

/** What the auction needs to know about a prover at one instant (read from the database). */
export interface ProverSnapshot {
  /** The prover's address (`0x…`); compared case-insensitively. */
  readonly address: string;
  readonly kind: ProverKind;
  /** Stake held by the staking contract. */
  readonly stakeWei: bigint;
  /** Time of the last heartbeat, ms since epoch. */
  readonly lastHeartbeatAt: number;
  /** Assignments it is working on now (awarded, proving or submitted). */
  readonly activeAssignments: number;
  /** How many assignments it runs at once. */
  readonly concurrency: number;
  readonly collateral: CollateralAccount;
  /** The largest circuit (R1CS constraints) it proves. */
  readonly maxConstraints: number;
  /** Memory available for proving, MiB. */
  readonly memoryMb: number;
  /** Reliability score, 0..1 (see reliability.ts). */
  readonly reliability: number;
  /** The least it bids; bids below it are refused (a signed floor guards against fat-finger bids). */
  readonly priceFloorWei: bigint;
  /** Circuits whose artifacts it already holds (by circuit id). */
  readonly cachedCircuitIds: readonly string[];
}

/** What the auction needs to know about a job. */
export interface JobSnapshot {
  readonly id: string;
  readonly circuitId: string;
  /** R1CS constraints of the circuit. */
  readonly constraints: number;
  /** Memory the circuit needs to prove, MiB. */
  readonly memoryMb: number;
  /** Hardware class the requester asked for; any class when absent. */
  readonly proverKind?: ProverKind;
  /** The most the requester pays the prover. */
  readonly maxFeeWei: bigint;
  /** The job's own deadline, ms since epoch. */
  readonly deadlineAt: number;
  /** Provers that failed this job before (invalid proof, missed deadline, abandoned). */
  readonly excludedProvers: readonly string[];
}

/** Marketplace rules for who may bid. */
export interface EligibilityPolicy {
  /** Least stake a prover must hold. */
  readonly minStakeWei: bigint;
  /** A heartbeat older than this means the prover is gone. */
  readonly heartbeatTtlMs: number;
  readonly collateral: CollateralPolicy;
}

/** Working local defaults: 0.1 ETH stake, 30 s heartbeat TTL, the default collateral policy. */
export const defaultEligibilityPolicy: EligibilityPolicy = {
  minStakeWei: 10n ** 17n,
  heartbeatTtlMs: 30_000,
  collateral: defaultCollateralPolicy,
};

/** Why a prover may not take a job; stable strings, shown to provers. */
export type IneligibilityReason =
  | 'excluded'
  | 'insufficient_stake'
  | 'heartbeat_stale'
  | 'no_free_capacity'
  | 'insufficient_free_collateral'
  | 'circuit_too_large'
  | 'insufficient_memory'
  | 'wrong_prover_kind';

/** The answer of {@link checkEligibility}. */
export type Eligibility =
  | { readonly eligible: true }
  | { readonly eligible: false; readonly reason: IneligibilityReason };

/**
 * Whether `prover` may take `job` at time `now`, and if not, the first reason
 * in this order: excluded (it failed this job before), stake below the
 * minimum, heartbeat older than the TTL, no free capacity (active
 * assignments ≥ concurrency), free collateral below {@link requiredCollateral}
 * of the job's max fee, circuit larger than it proves, not enough memory,
 * wrong hardware class.
 *
 * @example
 * const answer = checkEligibility(prover, job, Date.now());
 * if (!answer.eligible) console.log(answer.reason); // e.g. 'heartbeat_stale'
 */
export function checkEligibility(
  prover: ProverSnapshot,
  job: JobSnapshot,
  now: number,
  policy: EligibilityPolicy = defaultEligibilityPolicy,
): Eligibility {
  const address = prover.address.toLowerCase();
  if (job.excludedProvers.some((excluded) => excluded.toLowerCase() === address)) return no('excluded');
  if (prover.stakeWei < policy.minStakeWei) return no('insufficient_stake');
  if (!(now - prover.lastHeartbeatAt <= policy.heartbeatTtlMs)) return no('heartbeat_stale');
  if (!(prover.activeAssignments < prover.concurrency)) return no('no_free_capacity');
  if (freeCollateral(prover.collateral) < requiredCollateral(job.maxFeeWei, policy.collateral)) {
    return no('insufficient_free_collateral');
  }
  if (!(prover.maxConstraints >= job.constraints)) return no('circuit_too_large');
  if (!(prover.memoryMb >= job.memoryMb)) return no('insufficient_memory');
  if (job.proverKind !== undefined && prover.kind !== job.proverKind) return no('wrong_prover_kind');
  return { eligible: true };
}

/** True when {@link checkEligibility} finds no reason to refuse `prover` for `job` at `now`. */
export function isEligible(
  prover: ProverSnapshot,
  job: JobSnapshot,
  now: number,
  policy: EligibilityPolicy = defaultEligibilityPolicy,
): boolean {
  return checkEligibility(prover, job, now, policy).eligible;
}

/** True when `prover` already holds the artifacts of `circuitId`. */
export function cachesCircuit(prover: ProverSnapshot, circuitId: string): boolean {
  return prover.cachedCircuitIds.includes(circuitId);
}

/**
 * The eligible provers to invite to `job`'s auction, best first: those that
 * already cache the circuit's artifacts, then higher reliability, then more
 * free capacity, then address (so the order is deterministic). Ineligible
 * provers are left out; `limit` caps the list.
 */
export function rankInvitees(
  provers: readonly ProverSnapshot[],
  job: JobSnapshot,
  now: number,
  options: { policy?: EligibilityPolicy; limit?: number } = {},
): ProverSnapshot[] {
  const policy = options.policy ?? defaultEligibilityPolicy;
  const ranked = provers
    .filter((prover) => isEligible(prover, job, now, policy))
    .sort((a, b) => {
      const cache = Number(cachesCircuit(b, job.circuitId)) - Number(cachesCircuit(a, job.circuitId));
      if (cache !== 0) return cache;
      if (a.reliability !== b.reliability) return b.reliability - a.reliability;
      const freeA = a.concurrency - a.activeAssignments;
      const freeB = b.concurrency - b.activeAssignments;
      if (freeA !== freeB) return freeB - freeA;
      return compareText(a.address.toLowerCase(), b.address.toLowerCase());
    });
  return options.limit === undefined ? ranked : ranked.slice(0, Math.max(0, options.limit));
}

/** Plain code-unit comparison (not locale-dependent), for deterministic orders. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function no(reason: IneligibilityReason): Eligibility {
  return { eligible: false, reason };
}
