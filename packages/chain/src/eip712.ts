import {
  jobRequestDigest,
  operatorAwardTypes,
  bidDigest as sdkBidDigest,
  bidTypes as sdkBidTypes,
  jobRequestTypes as sdkJobRequestTypes,
  proofSubmissionDigest as sdkProofSubmissionDigest,
  proofSubmissionTypes as sdkProofSubmissionTypes,
  TENDER_EIP712_NAME,
  TENDER_EIP712_VERSION,
} from '@tender/sdk/eip712';
import { type Address, type Hex, hashTypedData } from 'viem';

// Tender's EIP-712 lives once, in `@tender/sdk/eip712` (a light entry: viem only): the domain,
// the type definitions, the digests and signing. This file gives them the chain-side names.
export { TENDER_EIP712_NAME, TENDER_EIP712_VERSION };

/** An EIP-712 domain of one Tender market. */
export interface TenderDomain {
  name: typeof TENDER_EIP712_NAME;
  version: typeof TENDER_EIP712_VERSION;
  chainId: number;
  verifyingContract: Address;
}

/** The EIP-712 domain of the market at `market` on chain `chainId`. */
export function tenderDomain(chainId: number, market: Address): TenderDomain {
  return { name: TENDER_EIP712_NAME, version: TENDER_EIP712_VERSION, chainId, verifyingContract: market };
}

/**
 * `JobRequest(address requester,bytes32 circuitId,bytes32 inputHash,uint256 maxFee,uint64 deadline,uint256 nonce)`,
 * signed by the requester so the market may charge its escrow. viem `types` object.
 */
export const jobRequestTypes = sdkJobRequestTypes;

/**
 * `ProofSubmission(bytes32 jobId,bytes32 circuitId,bytes32 proofHash,bytes32 publicSignalsHash,address prover)`,
 * signed by the prover with its proof; an invalid one is slashing evidence.
 */
export const proofSubmissionTypes = sdkProofSubmissionTypes;

/**
 * `Bid(bytes32 jobId,uint256 price,uint64 etaMs,uint64 expiresAt,address prover)` — off-chain only
 * (auctions run in the api); same domain as the others.
 */
export const bidTypes = sdkBidTypes;

/**
 * `Award(bytes32 jobId,address prover,uint256 price,uint256 collateral,uint64 proveBy,bytes32 publicSignalsHash)`,
 * signed by an operator: the prover's ticket to `settleAwarded` and the requester's claim material.
 */
export const awardTypes = operatorAwardTypes;

/** An operator's award of a job to a prover. */
export type Award = {
  jobId: Hex;
  prover: Address;
  price: bigint;
  collateral: bigint;
  proveBy: bigint;
  publicSignalsHash: Hex;
};

/** A requester's job request (amounts in wei, deadline in unix seconds). */
export type JobRequest = {
  requester: Address;
  circuitId: Hex;
  inputHash: Hex;
  maxFee: bigint;
  deadline: bigint;
  nonce: bigint;
};

/** A prover's proof submission. */
export type ProofSubmission = {
  jobId: Hex;
  circuitId: Hex;
  proofHash: Hex;
  publicSignalsHash: Hex;
  prover: Address;
};

/** A prover's sealed bid (off-chain). */
export type Bid = {
  jobId: Hex;
  price: bigint;
  etaMs: bigint;
  expiresAt: bigint;
  prover: Address;
};

/**
 * A job's id: the EIP-712 digest of its request under the market's domain — exactly what the
 * requester signs and what `TenderMarket.jobIdOf` returns. Unique per chain and market.
 *
 * @example
 * const jobId = jobIdOf(tenderDomain(31337, market), request);
 */
export function jobIdOf(domain: TenderDomain, request: JobRequest): Hex {
  return jobRequestDigest(domain, request);
}

/** The EIP-712 digest a prover signs for a submission (`TenderMarket.submissionDigest`). */
export function proofSubmissionDigest(domain: TenderDomain, submission: ProofSubmission): Hex {
  return sdkProofSubmissionDigest(domain, submission);
}

/** The EIP-712 digest a prover signs for a bid. */
export function bidDigest(domain: TenderDomain, bid: Bid): Hex {
  return sdkBidDigest(domain, bid);
}

/** The EIP-712 digest an operator signs for an award. */
export function awardDigest(domain: TenderDomain, award: Award): Hex {
  return hashTypedData({ domain, types: awardTypes, primaryType: 'Award', message: award });
}
