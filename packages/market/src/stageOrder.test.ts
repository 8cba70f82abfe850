import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The market's stage folders in the order a job passes them. A stage may import
 * its own files and earlier stages, never a later one: following a job from the
 * route to `verified` then reads as one pass down this list. `testing/` builds
 * fixtures from every stage, so it comes last; tests and benches (`*.test.ts`,
 * `*.bench.ts`) drive a job through several stages and are not checked.
 */
const stageOrder = [
  'deps',
  'requesters',
  'circuits',
  'jobs',
  'provers',
  'auction',
  'proving',
  'settlement',
  'slashing',
  'webhooks',
  'operator',
  'testing',
] as const;

const src = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function stageOf(file: string): string {
  const [first] = relative(src, file).split(sep);
  return first ?? '';
}

/** Every `from './x'` / `import('./x')` specifier of a file that points inside the package. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) =>
    resolve(dirname(file), m[1] ?? ''),
  );
}

/** True when `file` (a path under src/) imports `target` from a later stage than its own. */
function importsLaterStage(file: string, target: string): boolean {
  const rank = (f: string) => (stageOrder as readonly string[]).indexOf(stageOf(f));
  return rank(target) > rank(file);
}

describe('market stage folders', () => {
  it('keeps every source file in a known stage folder (only index.ts and this test at the root)', () => {
    const loose = sourceFiles(src)
      .map((f) => relative(src, f))
      .filter((f) => !f.includes(sep) && f !== 'index.ts' && f !== 'stageOrder.test.ts');
    expect(loose).toEqual([]);
    const unknown = [
      ...new Set(
        sourceFiles(src)
          .filter((f) => f.includes(`${src}${sep}`) && relative(src, f).includes(sep))
          .map(stageOf),
      ),
    ].filter((s) => !(stageOrder as readonly string[]).includes(s));
    expect(unknown).toEqual([]);
  });

  it('never lets a stage import a later stage', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(src)) {
      if (!relative(src, file).includes(sep)) continue; // index.ts and this test
      if (/\.(test|bench)\.ts$/.test(file)) continue; // tests drive a job through many stages
      for (const target of relativeImports(file)) {
        if (importsLaterStage(file, target))
          violations.push(`${relative(src, file)} → ${relative(src, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('detects a later-stage import (the check itself can fail)', () => {
    const at = (path: string) => join(src, path);
    expect(importsLaterStage(at('settlement/settleBatch.ts'), at('webhooks/deliverWebhook.ts'))).toBe(true);
    expect(importsLaterStage(at('settlement/settleBatch.ts'), at('jobs/moveJob.ts'))).toBe(false);
    expect(importsLaterStage(at('jobs/moveJob.ts'), at('jobs/chainJobId.ts'))).toBe(false);
  });
});
