import type { Abi, Address } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';

/** A requester's escrow from the client side: wei as decimal strings. */
export interface RequesterEscrowView {
  /** The requester's escrow balance in the market contract (`balanceOf`), read on-chain now. */
  balanceWei: string;
  /** Withdrawals requested but not yet executed on-chain (0 while the contract has no withdrawal requests). */
  pendingWithdrawalWei: string;
  /** What the requester's open jobs (submitted … batched) can still be charged: the sum of their signed maxFee. */
  heldByOpenJobsWei: string;
  /** balance − pending withdrawal − held by open jobs, floored at 0: what new jobs can use. */
  availableWei: string;
}

const OPEN = ['submitted', 'auctioning', 'assigned', 'proving', 'proven', 'batched'] as const;

// A view of the market contract that reads an address's pending withdrawal, if the contract has one.
function pendingWithdrawalFunction(abi: Abi): string | undefined {
  for (const item of abi) {
    if (item.type !== 'function' || item.stateMutability !== 'view') continue;
    if (!/withdraw/i.test(item.name) || item.inputs.length !== 1 || item.inputs[0]!.type !== 'address')
      continue;
    if (item.outputs.length >= 1 && /^uint/.test(item.outputs[0]!.type)) return item.name;
    if (item.outputs[0]?.type === 'tuple') return item.name;
  }
  return undefined;
}

function amountOf(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (Array.isArray(value) && typeof value[0] === 'bigint') return value[0];
  if (value !== null && typeof value === 'object' && 'amount' in value) {
    const amount = (value as { amount: unknown }).amount;
    if (typeof amount === 'bigint') return amount;
  }
  return 0n;
}

/**
 * Reads a requester's escrow: the on-chain balance (and pending withdrawal,
 * when the market contract's ABI has a view for it) at `address`, and what
 * its open jobs hold (from Postgres). A requester without an address has
 * nothing on-chain.
 *
 * @example
 * const escrow = await requesterEscrow(deps, requesterId, '0xAbC…', tenderAbis.market);
 */
export async function requesterEscrow(
  deps: Pick<MarketDeps, 'prisma' | 'publicClient' | 'deployment'>,
  requesterId: string,
  address: Address | null,
  marketAbi: Abi,
): Promise<RequesterEscrowView> {
  const market = deps.deployment.addresses.market as Address;
  const [balance, pending, held] = await Promise.all([
    address === null
      ? 0n
      : (deps.publicClient.readContract({
          address: market,
          abi: marketAbi,
          functionName: 'balanceOf',
          args: [address],
        }) as Promise<bigint>),
    (async () => {
      const name = pendingWithdrawalFunction(marketAbi);
      if (address === null || name === undefined) return 0n;
      return amountOf(
        await deps.publicClient.readContract({
          address: market,
          abi: marketAbi,
          functionName: name,
          args: [address],
        }),
      );
    })(),
    deps.prisma.job.aggregate({
      where: { requesterId, status: { in: [...OPEN] } },
      _sum: { maxFeeWei: true },
    }),
  ]);
  const heldWei = BigInt(held._sum.maxFeeWei?.toFixed(0) ?? '0');
  const available = balance - pending - heldWei;
  return {
    balanceWei: balance.toString(),
    pendingWithdrawalWei: pending.toString(),
    heldByOpenJobsWei: heldWei.toString(),
    availableWei: (available > 0n ? available : 0n).toString(),
  };
}
