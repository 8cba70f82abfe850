// A requester's escrow in the market contract: every on-chain escrow call of the SDK (and so of the
// CLI) is in this one file, signed with the requester's own key — the api never holds it. When the
// market gains a withdrawal delay (`requestWithdrawal` / `completeWithdrawal`), adapt
// `withdrawEscrow` here and nothing else.
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

/** The market ABI (escrow: `deposit`, `withdraw`, `balanceOf`; kept under its old name). */
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
  call: { functionName: 'deposit'; value: bigint } | { functionName: 'withdraw'; args: [bigint] },
): Promise<Hex> {
  const { chain, publicClient, url } = marketPublicClient(market, rpcUrl);
  const actual = await publicClient.getChainId();
  if (actual !== market.chainId) {
    throw new Error(`the RPC at ${url} serves chain ${actual}, the market is on chain ${market.chainId}`);
  }
  const wallet = createWalletClient({ chain, transport: http(url), account });
  const hash =
    call.functionName === 'deposit'
      ? await wallet.writeContract({
          address: market.market,
          abi: tenderMarketAbi,
          functionName: 'deposit',
          value: call.value,
        })
      : await wallet.writeContract({
          address: market.market,
          abi: tenderMarketAbi,
          functionName: 'withdraw',
          args: call.args,
        });
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
 * Withdraws `amount` wei of `account`'s escrow back to it (`TenderMarket.withdraw`) and waits for
 * the receipt. Reverts (`InsufficientBalance`) when the balance is smaller. Returns the tx hash.
 */
export function withdrawEscrow(
  market: MarketView,
  account: LocalAccount,
  amount: bigint,
  rpcUrl?: string,
): Promise<Hex> {
  return send(market, account, rpcUrl, { functionName: 'withdraw', args: [amount] });
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
