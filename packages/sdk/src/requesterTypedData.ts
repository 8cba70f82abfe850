import { type Address, type Hex, hashTypedData, type LocalAccount } from 'viem';

/** Tender's EIP-712 domain of the market `market` on chain `chainId` (name `Tender`, version `1`). */
export function marketDomain(chainId: number, market: Address) {
  return { name: 'Tender', version: '1', chainId, verifyingContract: market } as const;
}

/** The EIP-712 domain of one market. */
export type MarketDomain = ReturnType<typeof marketDomain>;

/**
 * `JobRequest(address requester,bytes32 circuitId,bytes32 inputHash,uint256 maxFee,uint64 deadline,uint256 nonce)`:
 * what a requester signs so the market may charge its escrow for the job (the
 * market contract checks the same type).
 */
export const jobRequestTypes = {
  JobRequest: [
    { name: 'requester', type: 'address' },
    { name: 'circuitId', type: 'bytes32' },
    { name: 'inputHash', type: 'bytes32' },
    { name: 'maxFee', type: 'uint256' },
    { name: 'deadline', type: 'uint64' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const;

/** A job request as signed: fee in wei, deadline in unix seconds, a nonce reserved from the api. */
export interface JobRequestMessage {
  requester: Address;
  circuitId: Hex;
  inputHash: Hex;
  maxFee: bigint;
  deadline: bigint;
  nonce: bigint;
}

/**
 * The on-chain job id: the EIP-712 digest of the request under the market's
 * domain (what `TenderMarket.jobIdOf` returns and the requester signs).
 */
export function jobRequestDigest(domain: MarketDomain, request: JobRequestMessage): Hex {
  return hashTypedData({ domain, types: jobRequestTypes, primaryType: 'JobRequest', message: request });
}

/**
 * Signs a job request with a viem local account (the requester's key).
 *
 * @example
 * const requestSignature = await signJobRequest(account, marketDomain(31337, market), request);
 */
export function signJobRequest(
  account: LocalAccount,
  domain: MarketDomain,
  request: JobRequestMessage,
): Promise<Hex> {
  return account.signTypedData({
    domain,
    types: jobRequestTypes,
    primaryType: 'JobRequest',
    message: request,
  });
}
