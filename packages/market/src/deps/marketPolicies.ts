import {
  type AuctionPolicy,
  type CollateralPolicy,
  type DeadlinePolicy,
  defaultAuctionPolicy,
  defaultCollateralPolicy,
  defaultDeadlinePolicy,
  defaultReliabilityPolicy,
  type EligibilityPolicy,
  type ReliabilityPolicy,
} from '@tender/core';
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
