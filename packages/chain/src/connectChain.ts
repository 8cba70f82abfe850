import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

/** viem clients bound to one RPC endpoint and (optionally) one signing key. */
export interface ChainConnection {
  chain: Chain;
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, Account>;
  account: Account;
}

/**
 * Builds a viem chain object for an RPC endpoint whose chain id you know (anvil: 31337).
 */
export function chainFor(rpcUrl: string, chainId: number): Chain {
  return defineChain({
    id: chainId,
    name: chainId === 31337 ? 'anvil' : `chain-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

/**
 * Connects viem clients to `rpcUrl` with `privateKey` as the sending account. The chain id is read
 * from the node when not given.
 *
 * @example
 * const { publicClient, walletClient } = await connectChain({ rpcUrl, privateKey: devAccounts.operator.privateKey });
 */
export async function connectChain(opts: {
  rpcUrl: string;
  privateKey: Hex;
  chainId?: number;
  /** RPC request timeout (viem's default: 10 s); large batches on a busy node need more. */
  timeoutMs?: number;
}): Promise<ChainConnection> {
  let chainId = opts.chainId;
  if (chainId === undefined) {
    const probe = createPublicClient({ transport: http(opts.rpcUrl) });
    chainId = await probe.getChainId();
  }
  const chain = chainFor(opts.rpcUrl, chainId);
  const account = privateKeyToAccount(opts.privateKey);
  const transport = http(opts.rpcUrl, opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs });
  return {
    chain,
    account,
    publicClient: createPublicClient({ chain, transport }),
    walletClient: createWalletClient({ chain, transport, account }),
  };
}
