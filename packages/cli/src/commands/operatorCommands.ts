import type { Command } from 'commander';
import { CliError, ExitCode } from '../exitCodes.ts';
import { eth } from '../output.ts';
import type { Run } from './run.ts';

interface Health {
  status: string;
  dependencies: Record<string, { ok: boolean; latencyMs?: number; error?: string }>;
}

interface Overview {
  jobs: { total: number; byStatus: Record<string, number> };
  auctions: { open: number };
  provers: { total: number; alive: number };
  batches: { byStatus: Record<string, number>; confirmedProofs: number; gasPerProof: number | null };
  slashes: { byStatus: Record<string, number>; slashedWei: string };
  money: Record<string, string>;
  queues?: Record<string, unknown>;
}

const counts = (r: Record<string, number>) =>
  Object.entries(r)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none';

/** `status`: the operator's glance at health, queues, provers and money. */
export function addOperatorCommands(program: Command, run: Run): void {
  program
    .command('status')
    .description(
      'the market at a glance: health of its dependencies, jobs, auctions, provers, batches, money (operator)',
    )
    .option(
      '--operator-token <token>',
      'the operator token (default: TENDER_OPERATOR_TOKEN; loopback needs none when the api has none)',
    )
    .action(
      run(async (ctx, opts: { operatorToken?: string }) => {
        const base = ctx.config.apiUrl;
        const healthRes = await fetch(`${base}/health`);
        const health = (await healthRes.json().catch(() => null)) as Health | null;
        if (health === null || typeof health.status !== 'string') {
          throw new CliError(
            ExitCode.config,
            'TENDER_CLI_UNREACHABLE',
            `${base}/health is not a Tender api's health: check TENDER_API_URL`,
          );
        }
        const token = opts.operatorToken ?? ctx.config.env.TENDER_OPERATOR_TOKEN;
        const res = await fetch(`${base}/v1/operator/overview`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        if (!res.ok) {
          const { TenderApiError } = await import('@tender/sdk');
          throw await TenderApiError.fromResponse(res);
        }
        const o = (await res.json()) as Overview;
        return {
          value: { health, overview: o },
          human: () => [
            `api ${base}: ${health.status}`,
            `  ${Object.entries(health.dependencies)
              .map(([k, d]) => `${k} ${d.ok ? 'ok' : `DOWN${d.error ? ` (${d.error})` : ''}`}`)
              .join(', ')}`,
            `jobs ${o.jobs.total}: ${counts(o.jobs.byStatus)}; open auctions ${o.auctions.open}`,
            `provers ${o.provers.alive} alive of ${o.provers.total}`,
            `batches: ${counts(o.batches.byStatus)}; ${o.batches.confirmedProofs} proofs settled${o.batches.gasPerProof === null ? '' : `, ${o.batches.gasPerProof} gas/proof`}`,
            `slashes: ${counts(o.slashes.byStatus)}; slashed ${eth(o.slashes.slashedWei)}`,
            `money: ${Object.entries(o.money)
              .filter(([, v]) => typeof v === 'string' && /^[0-9]+$/.test(v))
              .map(([k, v]) => `${k.replace(/Wei$/, '')} ${eth(v)}`)
              .join(', ')}`,
          ],
        };
      }),
    );
}
