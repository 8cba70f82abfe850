import { proverStakeInfo, sendStakingTx } from '@tender/sdk';
import { type Command, Option } from 'commander';
import { loadPrivateKey } from '../config.ts';
import { parseAmount } from '../context.ts';
import { CliError, ExitCode } from '../exitCodes.ts';
import { eth } from '../output.ts';
import type { Run } from './run.ts';

/** The slice of @tender/prover `prover run` uses (typed here so the CLI builds without it). */
interface ProverModule {
  loadProverEnv(env: Record<string, string | undefined>): unknown;
  proverFromEnv(env: unknown): {
    start(): Promise<void>;
    stop(opts?: { graceMs?: number }): Promise<void>;
    stats: Record<string, unknown>;
  };
}

async function loadProver(): Promise<ProverModule> {
  const specifier = '@tender/prover';
  try {
    return (await import(specifier)) as ProverModule;
  } catch {
    throw new CliError(
      ExitCode.config,
      'TENDER_CLI_NO_PROVER',
      '`tender prover run` needs the Tender repository (the prover worker, @tender/prover): run it there with `npx tender`',
    );
  }
}

/** `prover stake|unstake|status|run`: a prover operator's commands, signed with the prover's key. */
export function addProverCommands(program: Command, run: Run): void {
  const prover = program.command('prover').description('prover operators: stake, status, run the worker');
  prover
    .command('stake')
    .description('stake ether in TenderStaking from your key (bidding needs the market’s minimum stake)')
    .argument('<amount>', 'ether (1), or with a unit: 2gwei, 1000wei')
    .action(
      run(async (ctx, amount: string) => {
        const wei = parseAmount(amount);
        const [account, market] = await Promise.all([ctx.account(), ctx.market()]);
        const rpcUrl = ctx.rpcUrl(market);
        ctx.progress.step(`staking ${eth(wei)} from ${account.address}`);
        const txHash = await sendStakingTx(market, account, { kind: 'stake', amount: wei }, rpcUrl);
        const info = await proverStakeInfo(market, account.address, rpcUrl);
        return {
          value: { txHash, address: account.address, ...info },
          human: [
            `staked ${eth(wei)} (tx ${txHash})`,
            `active stake ${eth(info.activeWei)} (minimum ${eth(info.minimumStakeWei)})`,
          ],
        };
      }),
    );
  prover
    .command('unstake')
    .description(
      'request to unstake (starts the unstake delay); with --withdraw, take out what the delay has freed',
    )
    .argument('[amount]', 'ether to unstake (not with --withdraw)')
    .option('--withdraw', 'withdraw the pending amount once the delay has passed')
    .action(
      run(async (ctx, amount: string | undefined, opts: { withdraw?: boolean }) => {
        if ((amount === undefined) === (opts.withdraw !== true)) {
          throw new CliError(
            ExitCode.usage,
            'TENDER_CLI_USAGE',
            'give an amount to unstake, or --withdraw (not both)',
          );
        }
        const [account, market] = await Promise.all([ctx.account(), ctx.market()]);
        const rpcUrl = ctx.rpcUrl(market);
        const action =
          amount === undefined
            ? ({ kind: 'withdrawStake' } as const)
            : ({ kind: 'requestUnstake', amount: parseAmount(amount) } as const);
        ctx.progress.step(
          action.kind === 'withdrawStake'
            ? 'withdrawing unstaked ether'
            : `requesting to unstake ${eth(action.amount)}`,
        );
        const txHash = await sendStakingTx(market, account, action, rpcUrl);
        const info = await proverStakeInfo(market, account.address, rpcUrl);
        return {
          value: { txHash, address: account.address, ...info },
          human: [
            `${action.kind} done (tx ${txHash})`,
            `active ${eth(info.activeWei)}, pending ${eth(info.pendingWei)}${info.readyAt > 0n ? ` (ready ${new Date(Number(info.readyAt) * 1000).toISOString()})` : ''}`,
          ],
        };
      }),
    );
  prover
    .command('status')
    .description(
      'your stake on-chain (active, pending, locked) and, once registered, your profile in the market',
    )
    .action(
      run(async (ctx) => {
        const [account, market] = await Promise.all([ctx.account(), ctx.market()]);
        const info = await proverStakeInfo(market, account.address, ctx.rpcUrl(market));
        const { ProverClient, TenderApiError } = await import('@tender/sdk');
        const client = new ProverClient({ baseUrl: ctx.config.apiUrl, account });
        const profile = await client.me().catch((error: unknown) => {
          if (error instanceof TenderApiError && error.status < 500) return null;
          throw error;
        });
        return {
          value: { address: account.address, stake: info, profile },
          human: [
            `prover ${account.address}`,
            `  stake: active ${eth(info.activeWei)} (minimum ${eth(info.minimumStakeWei)}), pending ${eth(info.pendingWei)}, locked ${eth(info.lockedWei)}`,
            profile === null
              ? '  not registered with this market yet (`tender prover run` registers)'
              : `  registered: ${profile.kind}, concurrency ${profile.maxConcurrency}, ${profile.maxConstraints} constraints max`,
          ],
        };
      }),
    );
  prover
    .command('run')
    .description(
      'run the prover worker (apps/prover) with your key: registers, bids, proves, submits, until Ctrl-C',
    )
    .addOption(
      new Option('--backend <backend>', 'snarkjs (CPU) or external (a rapidsnark-shaped command)').choices([
        'snarkjs',
        'external',
      ]),
    )
    .option(
      '--external-cmd <cmd>',
      'with --backend external: `<cmd> <zkey> <witness> <proof.json> <public.json>`',
    )
    .addOption(new Option('--kind <kind>', 'the hardware class you declare').choices(['cpu', 'gpu']))
    .option('--concurrency <n>', 'proofs at once')
    .option('--stake <amount>', 'stake this much first when below the minimum')
    .option('--name <name>', 'shown on the operator dashboard')
    .option('--data-dir <dir>', 'cache of circuits and measured speeds')
    .action(
      run(
        async (
          ctx,
          opts: {
            backend?: string;
            externalCmd?: string;
            kind?: string;
            concurrency?: string;
            stake?: string;
            name?: string;
            dataDir?: string;
          },
        ) => {
          const account = await ctx.account();
          const { loadProverEnv, proverFromEnv } = await loadProver();
          const set = (name: string, value: string | undefined) =>
            value === undefined ? {} : { [name]: value };
          const env = loadProverEnv({
            ...ctx.config.env,
            TENDER_DEV: '0',
            PROVER_PRIVATE_KEY: await loadPrivateKey(ctx.config),
            TENDER_API_URL: ctx.config.apiUrl,
            ...set('RPC_URL', ctx.config.rpcUrl),
            ...set('PROVER_BACKEND', opts.backend),
            ...set('PROVER_EXTERNAL_CMD', opts.externalCmd),
            ...set('PROVER_KIND', opts.kind),
            ...set('PROVER_CONCURRENCY', opts.concurrency),
            ...set(
              'PROVER_STAKE_WEI',
              opts.stake === undefined ? undefined : parseAmount(opts.stake).toString(),
            ),
            ...set('PROVER_NAME', opts.name),
            ...set('TENDER_DATA_DIR', opts.dataDir),
          });
          const worker = proverFromEnv(env);
          ctx.progress.step(`starting the prover ${account.address}`);
          await worker.start();
          ctx.progress.done();
          if (ctx.config.json)
            ctx.io.out(`${JSON.stringify({ event: 'started', address: account.address })}\n`);
          else
            ctx.io.err(`prover ${account.address} running against ${ctx.config.apiUrl}; Ctrl-C stops it\n`);
          await new Promise<void>((resolve) => {
            const stop = () => {
              process.off('SIGINT', stop);
              process.off('SIGTERM', stop);
              resolve();
            };
            process.on('SIGINT', stop);
            process.on('SIGTERM', stop);
          });
          await worker.stop();
          return {
            value: { event: 'stopped', address: account.address, stats: worker.stats },
            human: `prover stopped: ${JSON.stringify(worker.stats)}`,
          };
        },
      ),
    );
}
