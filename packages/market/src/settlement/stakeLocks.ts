import type { SettlementSender } from '@tender/chain';
import { tenderMarketAbi, tenderStakingAbi } from '@tender/chain';
import { weiFromDecimal } from '@tender/db';
import type { Address } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';

/** The on-chain stake locks that differ from the collateral the database has locked per prover. */
export interface StakeLockUpdate {
  provers: Address[];
  amounts: bigint[];
}

/**
 * Compares each prover's collateral locked for open assignments (database) with the stake the
 * staking contract keeps locked for it, and returns the locks to set (absolute amounts). Provers
 * whose lock already matches are left out, so a quiet market sends nothing.
 */
export async function stakeLockUpdates(
  deps: Pick<MarketDeps, 'prisma' | 'publicClient' | 'deployment'>,
): Promise<StakeLockUpdate> {
  const provers = await deps.prisma.prover.findMany({ select: { address: true, collateralLockedWei: true } });
  const staking = { address: deps.deployment.addresses.staking, abi: tenderStakingAbi } as const;
  const onChain = await Promise.all(
    provers.map((p) =>
      deps.publicClient.readContract({ ...staking, functionName: 'stakeInfo', args: [p.address as Address] }),
    ),
  );
  const update: StakeLockUpdate = { provers: [], amounts: [] };
  provers.forEach((p, i) => {
    const wanted = weiFromDecimal(p.collateralLockedWei);
    if (onChain[i]?.[2] !== wanted) {
      update.provers.push(p.address as Address);
      update.amounts.push(wanted);
    }
  });
  return update;
}

/**
 * Locks on-chain, in one operator transaction, the stake that backs every prover's open
 * assignments (issue 10, P2): a prover cannot unstake collateral it owes for an award it holds.
 * Returns how many provers' locks changed (0: nothing sent).
 */
export async function syncStakeLocks(
  deps: Pick<MarketDeps, 'prisma' | 'publicClient' | 'deployment'>,
  sender: SettlementSender,
): Promise<number> {
  const update = await stakeLockUpdates(deps);
  if (update.provers.length === 0) return 0;
  await sender.send({
    address: deps.deployment.addresses.market,
    abi: tenderMarketAbi,
    functionName: 'setStakeLocks',
    args: [update.provers, update.amounts],
  });
  return update.provers.length;
}
