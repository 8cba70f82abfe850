import { createWalletClient, type Hex, http, type LocalAccount } from 'viem';
import { tenderStakingAbi } from './abis.ts';
import { marketPublicClient } from './requesterEscrow.ts';
import type { MarketView } from './requesterTypes.ts';

/** A prover's stake record in `TenderStaking`, wei (`readyAt` unix seconds, 0 when nothing is pending). */
export interface ProverStakeInfo {
  /** Active stake: total minus pending. What bidding and `minimumStake` look at. */
  activeWei: bigint;
  totalWei: bigint;
  pendingWei: bigint;
  /** Locked by the market as collateral of open assignments. */
  lockedWei: bigint;
  readyAt: bigint;
  minimumStakeWei: bigint;
  unstakeDelaySeconds: bigint;
}

/** Reads `prover`'s stake, the minimum stake and the unstake delay from the staking contract. */
export async function proverStakeInfo(
  market: MarketView,
  prover: Hex,
  rpcUrl?: string,
): Promise<ProverStakeInfo> {
  const { publicClient } = marketPublicClient(market, rpcUrl);
  const read = { address: market.staking, abi: tenderStakingAbi } as const;
  const [[totalWei, pendingWei, lockedWei, readyAt], activeWei, minimumStakeWei, unstakeDelaySeconds] =
    await Promise.all([
      publicClient.readContract({ ...read, functionName: 'stakeInfo', args: [prover] }),
      publicClient.readContract({ ...read, functionName: 'stakeOf', args: [prover] }),
      publicClient.readContract({ ...read, functionName: 'minimumStake' }),
      publicClient.readContract({ ...read, functionName: 'unstakeDelay' }),
    ]);
  return {
    activeWei,
    totalWei,
    pendingWei,
    lockedWei,
    readyAt: BigInt(readyAt),
    minimumStakeWei,
    unstakeDelaySeconds: BigInt(unstakeDelaySeconds),
  };
}

/**
 * Sends one staking transaction from the prover's key and waits for it: `stake` (payable, `amount`),
 * `requestUnstake(amount)` (starts the unstake delay) or `withdrawStake()` (after the delay).
 * Returns the tx hash; throws when it reverts.
 */
export async function sendStakingTx(
  market: MarketView,
  account: LocalAccount,
  action:
    | { kind: 'stake'; amount: bigint }
    | { kind: 'requestUnstake'; amount: bigint }
    | { kind: 'withdrawStake' },
  rpcUrl?: string,
): Promise<Hex> {
  const { chain, publicClient, url } = marketPublicClient(market, rpcUrl);
  const wallet = createWalletClient({ chain, transport: http(url), account });
  const base = { address: market.staking, abi: tenderStakingAbi } as const;
  const hash =
    action.kind === 'stake'
      ? await wallet.writeContract({ ...base, functionName: 'stake', value: action.amount })
      : action.kind === 'requestUnstake'
        ? await wallet.writeContract({ ...base, functionName: 'requestUnstake', args: [action.amount] })
        : await wallet.writeContract({ ...base, functionName: 'withdrawStake' });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${action.kind} ${hash} reverted`);
  return hash;
}
