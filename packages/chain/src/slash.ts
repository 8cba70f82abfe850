import type { SolidityProof, SolidityVerifyingKey } from '@tender/zk';
import { type Address, type Hex, parseEventLogs } from 'viem';
import type { JobRequest, ProofSubmission } from './eip712.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import { type ChainClients, sendContractTx } from './sendContractTx.ts';

/** Slashing evidence: a prover-signed submission whose proof does not verify. */
export interface SlashEvidence {
  request: JobRequest;
  submission: ProofSubmission;
  /** The prover's EIP-712 signature over `submission`. */
  proverSignature: Hex;
  proof: SolidityProof;
  publicSignals: readonly bigint[];
  verifyingKey: SolidityVerifyingKey;
}

/**
 * Submits slashing evidence from the sender (the challenger). Reverts map to
 * `TENDER_CHAIN_REVERTED` (e.g. `ProofIsValid`, `AlreadySlashed`, `InvalidProverSignature`).
 */
export async function slash(
  clients: ChainClients,
  market: Address,
  evidence: SlashEvidence,
): Promise<{
  slashed: bigint;
  toChallenger: bigint;
  toRequester: bigint;
  toTreasury: bigint;
  txHash: Hex;
  gasUsed: bigint;
}> {
  const vk = evidence.verifyingKey;
  const { receipt, hash } = await sendContractTx(clients, {
    address: market,
    abi: tenderMarketAbi,
    functionName: 'slash',
    args: [
      evidence.request,
      evidence.submission,
      evidence.proverSignature,
      evidence.proof,
      evidence.publicSignals,
      { alpha1: vk.alpha1, beta2: vk.beta2, gamma2: vk.gamma2, delta2: vk.delta2, ic: vk.ic },
    ],
  });
  const [event] = parseEventLogs({ abi: tenderMarketAbi, eventName: 'ProverSlashed', logs: receipt.logs });
  return {
    slashed: event?.args.amount ?? 0n,
    toChallenger: event?.args.toChallenger ?? 0n,
    toRequester: event?.args.toRequester ?? 0n,
    toTreasury: event?.args.toTreasury ?? 0n,
    txHash: hash,
    gasUsed: receipt.gasUsed,
  };
}
