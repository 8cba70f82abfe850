import type { MetricFamily } from '@tender/market';

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeHelp = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
const escapeLabel = (text: string) =>
  text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

function formatValue(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '';
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  for (const [name] of entries) {
    if (!labelName.test(name) || name.startsWith('__')) throw new Error(`invalid metric label name ${name}`);
  }
  return `{${entries.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}`;
}

/**
 * Renders metric families in the Prometheus text exposition format (version
 * 0.0.4): a `# HELP` and `# TYPE` line per family, then one line per sample,
 * label values escaped (`\\`, `"`, newline), infinities as `+Inf`/`-Inf`.
 * Serve it as `text/plain; version=0.0.4; charset=utf-8`.
 *
 * @example
 * renderPrometheus([{ name: 'tender_jobs', help: 'Jobs by status.', type: 'gauge',
 *   samples: [{ labels: { status: 'verified' }, value: 40 }] }]);
 * // # HELP tender_jobs Jobs by status.\n# TYPE tender_jobs gauge\ntender_jobs{status="verified"} 40\n
 */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const family of families) {
    if (!metricName.test(family.name)) throw new Error(`invalid metric name ${family.name}`);
    if (seen.has(family.name)) throw new Error(`metric ${family.name} rendered twice`);
    seen.add(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      lines.push(
        `${family.name}${sample.suffix ?? ''}${formatLabels(sample.labels)} ${formatValue(sample.value)}`,
      );
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The content type of {@link renderPrometheus}'s output. */
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';
