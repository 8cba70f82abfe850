import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DevAccount, tenderMarketAbi } from '@tender/chain';
import { ensureDevRequester, generateApiKey, type MarketDeps } from '@tender/market';
import { createWalletClient, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

/**
 * The development requester: an account (anvil dev key) with an API key
 * (`TENDER_DEV_API_KEY`, else one generated once into the data folder) and at
 * least 10 ETH of escrow in the market, so the demo can pay for its jobs.
 */
export async function ensureDevRequesterReady(opts: {
  deps: MarketDeps;
  rpcUrl: string;
  dataDir: string;
  account: DevAccount;
  apiKey: string | undefined;
}): Promise<{ apiKey: string; escrowWei: bigint }> {
  const apiKey = opts.apiKey ?? (await persistedKey(join(opts.dataDir, 'dev-api-key')));
  await ensureDevRequester(opts.deps, {
    apiKey,
    address: opts.account.address,
    name: 'development requester',
  });
  const market = opts.deps.deployment.addresses.market;
  const read = () =>
    opts.deps.publicClient.readContract({
      address: market,
      abi: tenderMarketAbi,
      functionName: 'balanceOf',
      args: [opts.account.address],
    });
  let escrowWei = await read();
  const target = parseEther('10');
  if (escrowWei < target) {
    const wallet = createWalletClient({
      account: privateKeyToAccount(opts.account.privateKey),
      chain: opts.deps.publicClient.chain,
      transport: http(opts.rpcUrl),
    });
    const hash = await wallet.writeContract({
      address: market,
      abi: tenderMarketAbi,
      functionName: 'deposit',
      value: target - escrowWei,
    });
    await opts.deps.publicClient.waitForTransactionReceipt({ hash });
    escrowWei = await read();
  }
  return { apiKey, escrowWei };
}

async function persistedKey(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const key = generateApiKey();
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    return key;
  }
}
