import { tenderMarketAbi } from '@tender/chain';
import { jobLifecycle, TenderError } from '@tender/core';
import { weiFromDecimal } from '@tender/db';
import type { Address } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';

const BPS = 10_000n;

/** What a job can cost its requester at most: its maxFee plus the market fee on it. */
export function worstCaseCharge(maxFee: bigint, feeBps: number): bigint {
  return maxFee + (maxFee * BigInt(feeBps)) / BPS;
}

/**
 * Refuses a job its requester's escrow cannot back (P1 of issue 10): the on-chain balance minus
 * the pending withdrawal minus the worst-case charge (maxFee + fee) of every open job of the
 * requester must cover the new job's worst-case charge. Together with the market's withdrawal
 * delay (longer than any job's lifetime plus the settlement window) this means every admitted
 * job can be paid. `TENDER_INSUFFICIENT_ESCROW` (402) otherwise, with the figures in details.
 */
export async function assertEscrowCovers(
  deps: Pick<MarketDeps, 'prisma' | 'publicClient' | 'deployment' | 'config'>,
  requester: { id: string; address: string },
  maxFee: bigint,
): Promise<void> {
  const market = { address: deps.deployment.addresses.market, abi: tenderMarketAbi } as const;
  const account = requester.address as Address;
  const [balance, [pending]] = await Promise.all([
    deps.publicClient.readContract({ ...market, functionName: 'balanceOf', args: [account] }),
    deps.publicClient.readContract({ ...market, functionName: 'pendingWithdrawal', args: [account] }),
  ]);
  const open = await deps.prisma.job.findMany({
    where: { requesterId: requester.id, status: { notIn: [...jobLifecycle.terminal] } },
    select: { maxFeeWei: true },
  });
  const feeBps = deps.config.feeBps;
  const reserved = open.reduce((sum, j) => sum + worstCaseCharge(weiFromDecimal(j.maxFeeWei), feeBps), 0n);
  const needed = worstCaseCharge(maxFee, feeBps);
  const free = balance - pending - reserved;
  if (free < needed) {
    throw new TenderError(
      'TENDER_INSUFFICIENT_ESCROW',
      'escrow (minus pending withdrawals and open jobs) does not cover this job’s maxFee plus the market fee',
      {
        details: {
          balanceWei: balance.toString(),
          pendingWithdrawalWei: pending.toString(),
          reservedWei: reserved.toString(),
          neededWei: needed.toString(),
        },
      },
    );
  }
}
