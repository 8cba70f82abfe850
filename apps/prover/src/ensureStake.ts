import { tenderStakingAbi } from '@tender/chain';
import { maxWei, TenderError } from '@tender/core';
import type { ProverClient } from '@tender/sdk';
import { createPublicClient, createWalletClient, type Hex, http } from 'viem';

/** Options of {@link ensureStake}. */
export interface EnsureStakeOptions {
  /** What to stake when the stake is below the market's minimum (at least the shortfall is staked), wei. */
  amountWei: bigint;
  /** JSON-RPC URL of the chain (default: the `rpcUrl` the api advertises in `GET /v1/market`). */
  rpcUrl?: string;
}

/** What {@link ensureStake} found or did. */
export interface StakeOutcome {
  /** Active stake after the call, wei. */
  stakeWei: bigint;
  minimumStakeWei: bigint;
  /** The `stake()` transaction, when one was needed. */
  txHash?: Hex;
}

/**
 * Makes sure the prover key holds the staking contract's minimum stake before
 * it registers: reads `stakeOf` and `minimumStake` (staking address from
 * `GET /v1/market`) and, when short, sends `TenderStaking.stake()` with
 * `max(amountWei, shortfall)` from the prover key and waits for the receipt.
 * For operators who let the worker stake for them (and the local stack); it
 * spends the key's own ETH.
 *
 * @throws TenderError `TENDER_CONFIG_INVALID` when no RPC URL is known.
 */
export async function ensureStake(client: ProverClient, opts: EnsureStakeOptions): Promise<StakeOutcome> {
  const market = await client.market();
  const rpcUrl = opts.rpcUrl ?? (typeof market.rpcUrl === 'string' ? market.rpcUrl : undefined);
  if (!rpcUrl) {
    throw new TenderError('TENDER_CONFIG_INVALID', 'no RPC URL to stake with (set RPC_URL)');
  }
  const reader = createPublicClient({ transport: http(rpcUrl) });
  const read = (functionName: 'stakeOf' | 'minimumStake') =>
    functionName === 'stakeOf'
      ? reader.readContract({
          address: market.staking,
          abi: tenderStakingAbi,
          functionName,
          args: [client.address],
        })
      : reader.readContract({ address: market.staking, abi: tenderStakingAbi, functionName });
  const [stakeWei, minimumStakeWei] = await Promise.all([read('stakeOf'), read('minimumStake')]);
  if (stakeWei >= minimumStakeWei) return { stakeWei, minimumStakeWei };
  const value = maxWei(opts.amountWei, minimumStakeWei - stakeWei);
  const wallet = createWalletClient({ account: client.account, transport: http(rpcUrl) });
  const txHash = await wallet.writeContract({
    chain: null,
    address: market.staking,
    abi: tenderStakingAbi,
    functionName: 'stake',
    value,
  });
  const receipt = await reader.waitForTransactionReceipt({ hash: txHash });
  if (receipt.status !== 'success') {
    throw new TenderError('TENDER_CHAIN_REVERTED', 'stake transaction reverted', { details: { txHash } });
  }
  return { stakeWei: await read('stakeOf'), minimumStakeWei, txHash };
}
