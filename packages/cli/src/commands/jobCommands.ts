import { readFile } from 'node:fs/promises';
import type { JobStatus, JobView, TenderClient } from '@tender/sdk';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.ts';
import { parseAmount } from '../context.ts';
import { CliError, ExitCode } from '../exitCodes.ts';
import { eth } from '../output.ts';
import type { Run } from './run.ts';

const STATUSES: JobStatus[] = [
  'submitted',
  'auctioning',
  'assigned',
  'proving',
  'proven',
  'batched',
  'verified',
  'expired',
  'cancelled',
  'rejected',
];

/** A job in a few lines: status, price, public signals, where it settled. */
export function jobLines(job: JobView): string[] {
  const lines = [`job ${job.id}: ${job.status}${job.statusReason ? ` (${job.statusReason})` : ''}`];
  lines.push(`  circuit ${job.circuitId}, max fee ${eth(job.maxFee)}, round ${job.round}`);
  if (job.chainJobId) lines.push(`  chainJobId ${job.chainJobId}`);
  if (job.assignment) lines.push(`  prover ${job.assignment.prover} at ${eth(job.assignment.price)}`);
  if (job.publicSignals) lines.push(`  public signals [${job.publicSignals.join(', ')}]`);
  if (job.batch?.chainBatchId) {
    lines.push(
      `  settled in batch ${job.batch.chainBatchId} (leaf ${job.batch.leafIndex}, tx ${job.batch.txHash})`,
    );
  }
  return lines;
}

async function readInput(text: string): Promise<Record<string, unknown>> {
  const raw = text.trim().startsWith('{')
    ? text
    : await readFile(text, 'utf8').catch(() => {
        throw new CliError(
          ExitCode.usage,
          'TENDER_CLI_USAGE',
          `--input is neither JSON nor a readable file: ${text}`,
        );
      });
  try {
    const value = JSON.parse(raw) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new CliError(
      ExitCode.usage,
      'TENDER_CLI_USAGE',
      '--input must be a JSON object of signal name → value',
    );
  }
}

async function watch(
  ctx: CommandContext,
  client: TenderClient,
  id: string,
  until: JobStatus,
  timeoutMs: number,
) {
  ctx.progress.step(`job ${id}: waiting for ${until}`);
  const controller = new AbortController();
  const follow = (async () => {
    try {
      for await (const event of client.jobEvents(id, { signal: controller.signal })) {
        ctx.progress.step(
          `job ${id}: ${event.status}${event.round ? ` (round ${event.round})` : ''} — waiting for ${until}`,
        );
      }
    } catch {
      // the progress line is cosmetic; waitForJob below is what decides
    }
  })();
  try {
    return await client.waitForJob(id, { until, timeoutMs });
  } finally {
    controller.abort();
    await follow;
  }
}

/** `job submit|watch|get|list|cancel`. */
export function addJobCommands(program: Command, run: Run): void {
  const job = program.command('job').description('proving jobs: submit, follow, read, cancel');
  job
    .command('submit')
    .description(
      'submit a job: the request is signed with your key (EIP-712) so the market may charge your escrow',
    )
    .requiredOption('--circuit <id>', 'circuit id (0x…)')
    .requiredOption('--input <json|file>', 'the circuit input: a JSON object or a file holding one')
    .option('--max-fee <amount>', 'the most you pay: ether (0.001) or with a unit', '0.001')
    .option('--deadline <seconds>', 'seconds from now until the job expires', '600')
    .option('--idempotency-key <key>', 'makes a retried submit safe')
    .option('--wait', 'wait until the job is verified on-chain')
    .option('--timeout <seconds>', 'with --wait: give up after this long', '600')
    .action(
      run(
        async (
          ctx,
          opts: {
            circuit: string;
            input: string;
            maxFee: string;
            deadline: string;
            idempotencyKey?: string;
            wait?: boolean;
            timeout: string;
          },
        ) => {
          const deadlineSeconds = Number(opts.deadline);
          const timeout = Number(opts.timeout);
          if (!Number.isInteger(deadlineSeconds) || deadlineSeconds <= 0 || !(timeout > 0)) {
            throw new CliError(
              ExitCode.usage,
              'TENDER_CLI_USAGE',
              '--deadline and --timeout are positive seconds',
            );
          }
          const input = await readInput(opts.input);
          const maxFee = parseAmount(opts.maxFee);
          const client = await ctx.requester({ needsKey: true });
          ctx.progress.step('signing and submitting the job');
          let view = await client.submitJob({
            circuitId: opts.circuit,
            input,
            maxFee,
            deadline: Math.floor(Date.now() / 1000) + deadlineSeconds,
            ...(opts.idempotencyKey === undefined ? {} : { idempotencyKey: opts.idempotencyKey }),
          });
          if (opts.wait) view = await watch(ctx, client, view.id, 'verified', timeout * 1000);
          const settled = view;
          return { value: settled, human: () => jobLines(settled) };
        },
      ),
    );
  job
    .command('watch')
    .description('follow a job until it reaches a status (default: verified on-chain)')
    .argument('<id>', 'job id')
    .addOption(new Option('--until <status>', 'the status to wait for').choices(STATUSES).default('verified'))
    .option('--timeout <seconds>', 'give up after this long', '600')
    .action(
      run(async (ctx, id: string, opts: { until: JobStatus; timeout: string }) => {
        const timeout = Number(opts.timeout);
        if (!(timeout > 0))
          throw new CliError(ExitCode.usage, 'TENDER_CLI_USAGE', '--timeout is positive seconds');
        const client = await ctx.requester();
        const view = await watch(ctx, client, id, opts.until, timeout * 1000);
        return { value: view, human: () => jobLines(view) };
      }),
    );
  job
    .command('get')
    .description('show a job: status, prover, public signals, settlement')
    .argument('<id>', 'job id')
    .action(
      run(async (ctx, id: string) => {
        const view = await (await ctx.requester()).getJob(id);
        return { value: view, human: () => jobLines(view) };
      }),
    );
  job
    .command('list')
    .description('your jobs, newest first')
    .addOption(new Option('--status <status>', 'only jobs in this status').choices(STATUSES))
    .option('--limit <n>', 'at most this many', '20')
    .option('--cursor <cursor>', 'the next page (from a previous listing)')
    .action(
      run(async (ctx, opts: { status?: JobStatus; limit: string; cursor?: string }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new CliError(ExitCode.usage, 'TENDER_CLI_USAGE', '--limit is a positive whole number');
        const page = await (await ctx.requester()).listJobs({
          limit,
          ...(opts.status === undefined ? {} : { status: opts.status }),
          ...(opts.cursor === undefined ? {} : { cursor: opts.cursor }),
        });
        return {
          value: page,
          human: () => [
            ...page.items.map(
              (j) => `${j.id}  ${j.status.padEnd(10)}  ${j.circuitId.slice(0, 10)}…  ${j.createdAt}`,
            ),
            ...(page.nextCursor ? [`more: --cursor ${page.nextCursor}`] : []),
            ...(page.items.length === 0 ? ['no jobs'] : []),
          ],
        };
      }),
    );
  job
    .command('cancel')
    .description('cancel a job that is not yet awarded')
    .argument('<id>', 'job id')
    .action(
      run(async (ctx, id: string) => {
        const view = await (await ctx.requester()).cancelJob(id);
        return { value: view, human: () => jobLines(view) };
      }),
    );
}
