// Prints the README's configuration table from the apps' env schemas (`npx tsx scripts/configTable.ts`),
// so the table is generated from the code that parses the environment and a test can keep it true.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aggregatorEnvSchema } from '@tender/aggregator';
import { apiEnvSchema } from '@tender/api';
import { repoRoot } from '@tender/config';
import { proverEnvSchema } from '@tender/prover';
import { schedulerEnvSchema } from '@tender/scheduler';
import { stackEnvSchema } from '@tender/stack';
import type { z } from 'zod';

const apps: [string, z.ZodObject, string][] = [
  ['stack', stackEnvSchema, 'apps/stack/src/env.ts'],
  ['api', apiEnvSchema, 'apps/api/src/env.ts'],
  ['scheduler', schedulerEnvSchema, 'apps/scheduler/src/env.ts'],
  ['aggregator', aggregatorEnvSchema, 'apps/aggregator/src/env.ts'],
  ['prover', proverEnvSchema as unknown as z.ZodObject, 'apps/prover/src/env.ts'],
];
const shared = 'packages/config/src/infraEnv.ts';

function describe(files: string[], key: string): string {
  for (const file of files) {
    const source = readFileSync(join(repoRoot(), file), 'utf8');
    const match = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*?)\\*/\\s*\\n\\s*${key}:`).exec(source);
    if (match) return match[1]!.replace(/\s*\n\s*\*?\s*/g, ' ').trim();
  }
  return '';
}

function defaultOf(schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success) return 'required';
  const value = parsed.data as unknown;
  if (value === undefined) return '—';
  return `\`${typeof value === 'bigint' ? value.toString() : String(value)}\``;
}

/** The markdown table: one row per variable, the apps that read it, its default and what it is. */
export function configTable(): string {
  const rows = new Map<string, { apps: string[]; defaults: string[]; text: string }>();
  for (const [app, schema, file] of apps) {
    for (const [key, field] of Object.entries(schema.shape)) {
      // Defaults that depend on the machine are described, not printed.
      const fallback = key === 'PROVER_MEMORY_MB' ? "the machine's memory" : defaultOf(field as z.ZodType);
      const row = rows.get(key);
      if (row) {
        row.apps.push(app);
        row.defaults.push(fallback);
        continue;
      }
      rows.set(key, {
        apps: [app],
        defaults: [fallback],
        text: describe([file, shared], key).replaceAll('|', '\\|'),
      });
    }
  }
  const lines = ['| variable | read by | default | what it is |', '| --- | --- | --- | --- |'];
  for (const [key, row] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    const same = row.defaults.every((d) => d === row.defaults[0]);
    const fallback = same ? row.defaults[0] : row.defaults.map((d, i) => `${d} (${row.apps[i]})`).join(', ');
    lines.push(`| \`${key}\` | ${row.apps.join(', ')} | ${fallback} | ${row.text} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(configTable());
