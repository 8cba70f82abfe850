import { type MarketView, TenderClient } from '@tender/sdk';
import { parseEther } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { type CliConfig, loadAccount, requesterCredential } from './config.ts';
import { CliError, ExitCode } from './exitCodes.ts';
import { type Io, Progress } from './output.ts';

/** What a command's action gets: settings, output, and lazily built clients. */
export interface CommandContext {
  config: CliConfig;
  io: Io;
  progress: Progress;
  /** The user's key (`TENDER_PRIVATE_KEY` or `--keystore`). */
  account(): Promise<PrivateKeyAccount>;
  /** A requester client with the stored session or API key, and the key when one is configured. */
  requester(opts?: { needsKey?: boolean }): Promise<TenderClient>;
  /** `GET /v1/market` (no credential needed). */
  market(): Promise<MarketView>;
  /** `--rpc-url` / `TENDER_RPC_URL`, else the RPC the api publishes (with a note on stderr). */
  rpcUrl(market: MarketView): string;
}

/** Builds the context of one run. */
export function createContext(config: CliConfig, io: Io): CommandContext {
  let account: Promise<PrivateKeyAccount> | undefined;
  let market: Promise<MarketView> | undefined;
  const ctx: CommandContext = {
    config,
    io,
    progress: new Progress(io, config.json),
    account() {
      account ??= loadAccount(config);
      return account;
    },
    async requester(opts = {}) {
      const apiKey = await requesterCredential(config);
      const hasKey = Boolean(config.env.TENDER_PRIVATE_KEY?.trim()) || config.keystore !== undefined;
      const key = hasKey || opts.needsKey ? await ctx.account() : undefined;
      return new TenderClient({
        baseUrl: config.apiUrl,
        apiKey,
        ...(key === undefined ? {} : { account: key }),
      });
    },
    market() {
      market ??= (async () => {
        const res = await fetch(`${config.apiUrl}/v1/market`);
        if (!res.ok) {
          throw new CliError(
            ExitCode.config,
            'TENDER_CLI_UNREACHABLE',
            `GET ${config.apiUrl}/v1/market answered HTTP ${res.status}: is TENDER_API_URL a Tender api?`,
          );
        }
        return (await res.json()) as MarketView;
      })();
      return market;
    },
    rpcUrl(m) {
      if (config.rpcUrl) return config.rpcUrl;
      if (m.rpcUrl) {
        if (!config.json)
          io.err(`note: using the api's RPC ${m.rpcUrl}; set TENDER_RPC_URL to use your own node\n`);
        return m.rpcUrl;
      }
      throw new CliError(ExitCode.config, 'TENDER_CLI_NO_RPC', 'no RPC URL: set TENDER_RPC_URL or --rpc-url');
    },
  };
  return ctx;
}

/**
 * Parses an amount: plain numbers are ether (`0.5`), or say the unit (`500000wei`, `2gwei`, `0.5eth`).
 * Usage error (exit 2) when it is not one.
 */
export function parseAmount(text: string): bigint {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(eth|ether|gwei|wei)?\s*$/i.exec(text);
  if (m === null) {
    throw new CliError(
      ExitCode.usage,
      'TENDER_CLI_USAGE',
      `not an amount: ${text} (e.g. 0.5, 0.5eth, 2gwei, 1000wei)`,
    );
  }
  const [, value = '0', unit = 'eth'] = m;
  const u = unit.toLowerCase();
  if (u === 'wei') {
    if (value.includes('.')) throw new CliError(ExitCode.usage, 'TENDER_CLI_USAGE', `wei are whole: ${text}`);
    return BigInt(value);
  }
  if (u === 'gwei') return parseEther(value) / 10n ** 9n;
  return parseEther(value);
}
