import type { Command } from 'commander';
import { getAddress } from 'viem';
import { CliError, ExitCode } from '../exitCodes.ts';
import type { Run } from './run.ts';

/** `verify <jobId>`: the SDK's `verifyJob`, trusting the api for nothing it can check. */
export function addVerifyCommand(program: Command, run: Run): void {
  program
    .command('verify')
    .description(
      'check a settled job yourself: the Groth16 proof locally, its verification key against the on-chain registry, the job id against your signed request, and verifyInclusion on-chain through your RPC (exit 4 when any check fails)',
    )
    .argument('<jobId>', 'job id')
    .option('--market <address>', 'the market contract to check against (default: the one the api names)')
    .action(
      run(async (ctx, jobId: string, opts: { market?: string }) => {
        let market: `0x${string}` | undefined;
        if (opts.market !== undefined) {
          try {
            market = getAddress(opts.market);
          } catch {
            throw new CliError(
              ExitCode.usage,
              'TENDER_CLI_USAGE',
              `--market is not an address: ${opts.market}`,
            );
          }
        }
        const client = await ctx.requester();
        const rpcUrl = ctx.rpcUrl(await client.getMarket());
        ctx.progress.step(`verifying job ${jobId}`);
        const v = await client.verifyJob(jobId, { rpcUrl, ...(market === undefined ? {} : { market }) });
        return {
          value: v,
          exitCode: v.ok ? ExitCode.ok : ExitCode.verificationFailed,
          human: () => [
            `job ${v.jobId}: ${v.ok ? 'VERIFIED' : 'NOT VERIFIED'}`,
            ...v.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
            ...(v.ok
              ? [
                  `  chainJobId ${v.chainJobId}`,
                  `  chainBatchId ${v.chainBatchId}, leafIndex ${v.leafIndex}, leaf ${v.leaf}`,
                  `  publicSignals [${v.publicSignals?.join(', ')}] (hash ${v.publicSignalsHash})`,
                ]
              : []),
          ],
        };
      }),
    );
}
