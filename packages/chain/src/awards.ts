import type { SolidityProof, SolidityVerifyingKey } from '@tender/zk';
import { type Account, type Address, type Hex, parseEventLogs } from 'viem';
import { type Award, awardTypes, type Bid, bidTypes, type JobRequest, type TenderDomain } from './eip712.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import { type ChainClients, sendContractTx } from './sendContractTx.ts';

function signer(account: Account): NonNullable<Account['signTypedData']> {
  if (!account.signTypedData) throw new Error('account cannot sign typed data');
  return account.signTypedData;
}

/** Signs an award as the operator (EIP-712, Tender domain): the prover's settlement ticket and claim material. */
export function signAward(operator: Account, domain: TenderDomain, award: Award): Promise<Hex> {
  return signer(operator)({ domain, types: awardTypes, primaryType: 'Award', message: award });
}

/** Signs a bid as the prover (EIP-712, Tender domain). */
export function signBid(prover: Account, domain: TenderDomain, bid: Bid): Promise<Hex> {
  return signer(prover)({ domain, types: bidTypes, primaryType: 'Bid', message: bid });
}

/** What a prover needs to settle its own awarded job on-chain. */
export interface AwardedSettlement {
  request: JobRequest;
  requestSignature: Hex;
  award: Award;
  awardSignature: Hex;
  proof: SolidityProof;
  publicSignals: readonly bigint[];
  verifyingKey: SolidityVerifyingKey;
}

/** The missed-deadline claim material: the operator's award and the prover's own bid. */
export interface MissedDeadlineClaim {
  request: JobRequest;
  award: Award;
  awardSignature: Hex;
  bid: Bid;
  bidSignature: Hex;
}

function keyArg(vk: SolidityVerifyingKey) {
  return { alpha1: vk.alpha1, beta2: vk.beta2, gamma2: vk.gamma2, delta2: vk.delta2, ic: vk.ic };
}

/**
 * Settles an awarded job from the sender (normally its prover) when the operator has not: after the
 * award's `proveBy`, by the request's deadline. Reverts map to `TENDER_CHAIN_REVERTED`
 * (`OutsideWindow`, `InvalidAward`, `ProofNotAccepted`, `NonceAlreadyUsed`, `InsufficientBalance`, …).
 */
export async function settleAwarded(
  clients: ChainClients,
  market: Address,
  s: AwardedSettlement,
): Promise<{ batchId: bigint; price: bigint; fee: bigint; txHash: Hex; gasUsed: bigint }> {
  const { receipt, hash } = await sendContractTx(clients, {
    address: market,
    abi: tenderMarketAbi,
    functionName: 'settleAwarded',
    args: [
      s.request,
      s.requestSignature,
      s.award,
      s.awardSignature,
      s.proof,
      s.publicSignals,
      keyArg(s.verifyingKey),
    ],
  });
  const [event] = parseEventLogs({ abi: tenderMarketAbi, eventName: 'AwardSettled', logs: receipt.logs });
  return {
    batchId: event?.args.batchId ?? 0n,
    price: event?.args.price ?? 0n,
    fee: event?.args.fee ?? 0n,
    txHash: hash,
    gasUsed: receipt.gasUsed,
  };
}

/**
 * Claims the SLA credit of a missed awarded job for its requester (anyone may send it): after the
 * request's deadline, when the job was never settled. Reverts: `OutsideWindow`, `JobSettled`,
 * `InvalidAward`, `InvalidBid`, `AlreadySlashed`, `NothingToSlash`.
 */
export async function claimMissedDeadline(
  clients: ChainClients,
  market: Address,
  c: MissedDeadlineClaim,
): Promise<{ credited: bigint; txHash: Hex; gasUsed: bigint }> {
  const { receipt, hash } = await sendContractTx(clients, {
    address: market,
    abi: tenderMarketAbi,
    functionName: 'claimMissedDeadline',
    args: [c.request, c.award, c.awardSignature, c.bid, c.bidSignature],
  });
  const [event] = parseEventLogs({
    abi: tenderMarketAbi,
    eventName: 'MissedDeadlineClaimed',
    logs: receipt.logs,
  });
  return { credited: event?.args.amount ?? 0n, txHash: hash, gasUsed: receipt.gasUsed };
}
