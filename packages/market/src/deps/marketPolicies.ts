import {
  type AuctionPolicy,
  type CollateralPolicy,
  type DeadlinePolicy,
  defaultAuctionPolicy,
  defaultCollateralPolicy,
  defaultDeadlinePolicy,
  defaultReliabilityPolicy,
  type EligibilityPolicy,
  type JobSnapshot,
  type ReliabilityPolicy,
  TenderError,
} from '@tender/core';
import type { Circuit, Job, TenderQueryable } from '@tender/db';
import { weiFromDecimal } from '@tender/db';
import type { MarketDeps } from './marketDeps.ts';

/** The @tender/core rule sets the auction services apply, built from the market's config and deployment. */
export interface MarketPolicies {
  eligibility: EligibilityPolicy;
  auction: AuctionPolicy;
  deadlines: DeadlinePolicy;
  collateral: CollateralPolicy;
  reliability: ReliabilityPolicy;
}

/**
 * The core policies for these deps: the minimum stake is the staking contract's
 * (fixed at deployment, `deployment.params.minimumStake`), the heartbeat TTL
 * and auction window come from {@link MarketDeps.config}; everything else is
 * core's default (collateral 1.5× the max fee, scoring weights 50/25/20/5,
 * re-auction backoff 1 s doubling to 60 s).
 */
export function marketPolicies(deps: Pick<MarketDeps, 'config' | 'deployment'>): MarketPolicies {
  const collateral = defaultCollateralPolicy;
  const eligibility: EligibilityPolicy = {
    minStakeWei: deps.deployment.params.minimumStake,
    heartbeatTtlMs: deps.config.heartbeatTtlMs,
    collateral,
  };
  return {
    eligibility,
    auction: { ...eligibility, weights: defaultAuctionPolicy.weights },
    deadlines: { ...defaultDeadlinePolicy, auctionWindowMs: deps.config.auctionWindowMs },
    collateral,
    reliability: defaultReliabilityPolicy,
  };
}

/** Assignment statuses in which a prover is still working on a job (they count against its capacity). */
export const activeAssignmentStatuses = ['awarded', 'proving', 'submitted'] as const;

/** Assignment statuses that exclude the prover from later rounds of the same job. */
export const failedAssignmentStatuses = ['failed_invalid', 'failed_deadline', 'abandoned'] as const;

const MIB = 1024 * 1024;

/**
 * Memory needed to prove a circuit, MiB: an estimate from the proving key's size
 * (snarkjs holds the zkey and about as much again in FFT buffers) plus 256 MiB
 * for the runtime: `256 + ceil(2 × zkeySize / MiB)`.
 */
export function provingMemoryMb(circuit: Pick<Circuit, 'zkeySize'>): number {
  return 256 + Math.ceil((2 * Number(circuit.zkeySize)) / MIB);
}

/**
 * The core {@link JobSnapshot} of a job: its circuit's size and memory, max fee,
 * deadline and the provers that failed it before (invalid proof, missed
 * deadline, abandoned) — they are never invited to it again.
 */
export async function jobSnapshotOf(
  db: TenderQueryable,
  job: Job & { circuit: Circuit },
): Promise<JobSnapshot> {
  const failed = await db.assignment.findMany({
    where: { jobId: job.id, status: { in: [...failedAssignmentStatuses] } },
    select: { prover: { select: { address: true } } },
  });
  return {
    id: job.id,
    circuitId: job.circuitId,
    constraints: job.circuit.constraints,
    memoryMb: provingMemoryMb(job.circuit),
    maxFeeWei: weiFromDecimal(job.maxFeeWei),
    deadlineAt: job.deadline.getTime(),
    excludedProvers: failed.map((a) => a.prover.address),
  };
}

/**
 * The job's on-chain id (`bytes32`), which bids and proof submissions sign.
 *
 * @throws TenderError `TENDER_VALIDATION_FAILED` when the job was stored without one.
 */
export function chainJobIdOf(job: Pick<Job, 'id' | 'chainJobId'>): `0x${string}` {
  if (job.chainJobId === null || !/^0x[0-9a-fA-F]{64}$/.test(job.chainJobId)) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'job has no on-chain id, it cannot be auctioned', {
      details: { jobId: job.id },
    });
  }
  return job.chainJobId.toLowerCase() as `0x${string}`;
}
