import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type LocalAccount,
} from 'viem';
import type { MarketView } from './requesterTypes.ts';

/**
 * The slice of `ITenderMarket` a requester's escrow needs: deposit, balance, and the delayed
 * withdrawal (`requestWithdrawal`, then `completeWithdrawal` once `pendingWithdrawal`'s `readyAt`
 * has passed; settlement may still draw on the pending amount until then).
 */
export const marketEscrowAbi = [
  { type: 'function', name: 'deposit', inputs: [], outputs: [], stateMutability: 'payable' },
  {
    type: 'function',
    name: 'requestWithdrawal',
    inputs: [{ name: 'amount', type: 'uint256' }],
    outputs: [],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    name: 'completeWithdrawal',
    inputs: [],
    outputs: [{ name: 'amount', type: 'uint256' }],
    stateMutability: 'nonpayable',
  },
  {
    type: 'function',
    name: 'pendingWithdrawal',
    inputs: [{ name: 'account', type: 'address' }],
    outputs: [
      { name: 'amount', type: 'uint256' },
      { name: 'readyAt', type: 'uint64' },
    ],
    stateMutability: 'view',
  },
  {
    type: 'function',
    name: 'balanceOf',
    inputs: [{ name: 'account', type: 'address' }],
    outputs: [{ name: '', type: 'uint256' }],
    stateMutability: 'view',
  },
] as const;

function clients(market: MarketView, rpcUrl: string | undefined) {
  const url = rpcUrl ?? market.rpcUrl;
  if (url === undefined) throw new Error('no RPC URL: pass rpcUrl (the api did not publish one)');
  const chain = defineChain({
    id: market.chainId,
    name: `chain-${market.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  return { chain, publicClient: createPublicClient({ chain, transport: http(url) }), url };
}

/**
 * Deposits `amount` wei into `account`'s escrow in the market contract (what
 * settlement charges jobs to) and waits for the receipt. Returns the tx hash.
 */
export async function depositEscrow(
  market: MarketView,
  account: LocalAccount,
  amount: bigint,
  rpcUrl?: string,
): Promise<Hex> {
  const { chain, publicClient, url } = clients(market, rpcUrl);
  const wallet = createWalletClient({ chain, transport: http(url), account });
  const hash = await wallet.writeContract({
    address: market.market,
    abi: marketEscrowAbi,
    functionName: 'deposit',
    value: amount,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`deposit ${hash} reverted`);
  return hash;
}

/** The market balance of `address` (a requester's escrow), wei. */
export function escrowBalance(market: MarketView, address: Address, rpcUrl?: string): Promise<bigint> {
  const { publicClient } = clients(market, rpcUrl);
  return publicClient.readContract({
    address: market.market,
    abi: marketEscrowAbi,
    functionName: 'balanceOf',
    args: [address],
  });
}
