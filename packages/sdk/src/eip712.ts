// @tender/sdk/eip712 — Tender's one EIP-712 module: domain, type definitions, messages,
// digests and signing. Light (viem only, no client code), so the chain package, the market
// and the contract tests take their EIP-712 from here as the SDK's own signers do.
import { type Address, type Hex, hashTypedData, type LocalAccount } from 'viem';
import { operatorAwardTypes, proverBidTypes, proverProofSubmissionTypes } from './proverTypedData.ts';
import {
  type JobRequestMessage,
  jobRequestDigest,
  jobRequestTypes,
  type MarketDomain,
  marketDomain,
  signJobRequest,
} from './requesterTypedData.ts';

export {
  type JobRequestMessage,
  jobRequestDigest,
  jobRequestTypes,
  type MarketDomain,
  marketDomain,
  operatorAwardTypes,
  signJobRequest,
};

/** Tender's EIP-712 domain name and version (the market contract uses the same). */
export const TENDER_EIP712_NAME = 'Tender';
export const TENDER_EIP712_VERSION = '1';

/** `Bid(bytes32 jobId,uint256 price,uint64 etaMs,uint64 expiresAt,address prover)`, viem `types`. */
export const bidTypes = proverBidTypes;

/** `ProofSubmission(bytes32 jobId,bytes32 circuitId,bytes32 proofHash,bytes32 publicSignalsHash,address prover)`, viem `types`. */
export const proofSubmissionTypes = proverProofSubmissionTypes;

/** A prover's sealed bid (off-chain). */
export interface BidMessage {
  jobId: Hex;
  price: bigint;
  etaMs: bigint;
  expiresAt: bigint;
  prover: Address;
}

/** A prover's proof submission. */
export interface ProofSubmissionMessage {
  jobId: Hex;
  circuitId: Hex;
  proofHash: Hex;
  publicSignalsHash: Hex;
  prover: Address;
}

/** The EIP-712 digest a prover signs for a bid. */
export function bidDigest(domain: MarketDomain, bid: BidMessage): Hex {
  return hashTypedData({ domain, types: bidTypes, primaryType: 'Bid', message: bid });
}

/** The EIP-712 digest a prover signs for a submission (`TenderMarket.submissionDigest`). */
export function proofSubmissionDigest(domain: MarketDomain, submission: ProofSubmissionMessage): Hex {
  return hashTypedData({
    domain,
    types: proofSubmissionTypes,
    primaryType: 'ProofSubmission',
    message: submission,
  });
}

/** Signs a bid with the prover's key. */
export function signBid(account: LocalAccount, domain: MarketDomain, bid: BidMessage): Promise<Hex> {
  return account.signTypedData({ domain, types: bidTypes, primaryType: 'Bid', message: bid });
}

/** Signs a proof submission with the prover's key. */
export function signProofSubmission(
  account: LocalAccount,
  domain: MarketDomain,
  submission: ProofSubmissionMessage,
): Promise<Hex> {
  return account.signTypedData({
    domain,
    types: proofSubmissionTypes,
    primaryType: 'ProofSubmission',
    message: submission,
  });
}
