// A requester's escrow in the market contract: every on-chain escrow call of the SDK (and so of the
// CLI) is in this one file, signed with the requester's own key — the api never holds it.
// Withdrawals are delayed: `requestWithdrawal`, then `completeWithdrawal` once the market's
// withdrawal delay has passed (settlement may still draw on the pending amount until then, so a
// requester cannot pull escrow from under jobs it signed).
import {
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type LocalAccount,
  type PublicClient,
} from 'viem';
import { tenderMarketAbi } from './abis.ts';
import type { MarketView } from './requesterTypes.ts';

/** The market ABI (escrow: `deposit`, `requestWithdrawal`, `completeWithdrawal`, `pendingWithdrawal`, `balanceOf`). */
export const marketEscrowAbi = tenderMarketAbi;

/** The chain of a market as viem wants it, reached through `rpcUrl`. */
export function marketChain(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

/** A read-only client of the market's chain over `rpcUrl` (else the RPC the api publishes). */
export function marketPublicClient(
  market: Pick<MarketView, 'chainId' | 'rpcUrl'>,
  rpcUrl?: string,
): { chain: Chain; publicClient: PublicClient; url: string } {
  const url = rpcUrl ?? market.rpcUrl;
  if (url === undefined) throw new Error('no RPC URL: pass rpcUrl (the api did not publish one)');
  const chain = marketChain(market.chainId, url);
  return { chain, publicClient: createPublicClient({ chain, transport: http(url) }) as PublicClient, url };
}

async function send(
  market: MarketView,
  account: LocalAccount,
  rpcUrl: string | undefined,
  call:
    | { functionName: 'deposit'; value: bigint }
    | { functionName: 'requestWithdrawal'; args: [bigint] }
    | { functionName: 'completeWithdrawal' },
): Promise<Hex> {
  const { chain, publicClient, url } = marketPublicClient(market, rpcUrl);
  const actual = await publicClient.getChainId();
  if (actual !== market.chainId) {
    throw new Error(`the RPC at ${url} serves chain ${actual}, the market is on chain ${market.chainId}`);
  }
  const wallet = createWalletClient({ chain, transport: http(url), account });
  const hash = await wallet.writeContract({
    address: market.market,
    abi: tenderMarketAbi,
    ...call,
  } as Parameters<typeof wallet.writeContract>[0]);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${call.functionName} ${hash} reverted`);
  return hash;
}

/**
 * Deposits `amount` wei into `account`'s escrow in the market contract (what
 * settlement charges jobs to) and waits for the receipt. Returns the tx hash.
 */
export function depositEscrow(
  market: MarketView,
  account: LocalAccount,
  amount: bigint,
  rpcUrl?: string,
): Promise<Hex> {
  return send(market, account, rpcUrl, { functionName: 'deposit', value: amount });
}

/**
 * Requests the withdrawal of `amount` wei of `account`'s escrow (`TenderMarket.requestWithdrawal`)
 * and waits for the receipt; the amount can be taken out with {@link completeWithdrawal} once the
 * market's withdrawal delay has passed. Returns the tx hash.
 */
export function withdrawEscrow(
  market: MarketView,
  account: LocalAccount,
  amount: bigint,
  rpcUrl?: string,
): Promise<Hex> {
  return send(market, account, rpcUrl, { functionName: 'requestWithdrawal', args: [amount] });
}

/**
 * Completes `account`'s pending withdrawal (`TenderMarket.completeWithdrawal`: reverts while the
 * delay runs) and waits for the receipt. Returns the tx hash.
 */
export function completeWithdrawal(market: MarketView, account: LocalAccount, rpcUrl?: string): Promise<Hex> {
  return send(market, account, rpcUrl, { functionName: 'completeWithdrawal' });
}

/** `address`'s pending withdrawal: the amount and when it can be completed (unix seconds; 0 = none). */
export async function pendingWithdrawal(
  market: MarketView,
  address: Address,
  rpcUrl?: string,
): Promise<{ amount: bigint; readyAt: bigint }> {
  const { publicClient } = marketPublicClient(market, rpcUrl);
  const [amount, readyAt] = await publicClient.readContract({
    address: market.market,
    abi: tenderMarketAbi,
    functionName: 'pendingWithdrawal',
    args: [address],
  });
  return { amount, readyAt: BigInt(readyAt) };
}

/** The market balance of `address` (a requester's escrow), wei, read on-chain. */
export function escrowBalance(market: MarketView, address: Address, rpcUrl?: string): Promise<bigint> {
  const { publicClient } = marketPublicClient(market, rpcUrl);
  return publicClient.readContract({
    address: market.market,
    abi: tenderMarketAbi,
    functionName: 'balanceOf',
    args: [address],
  });
}
