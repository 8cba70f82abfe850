import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function tsFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (name === 'node_modules' || name === 'generated' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return /\.(ts|mts|mjs)$/.test(name) ? [path] : [];
  });
}

/** The workspace a path belongs to (`packages/market`, `apps/api`), or the top folder (`test`, `scripts`). */
function workspaceOf(path: string): string {
  const [top, name] = relative(repoRoot, path).split(sep);
  // test/ and scripts/ are the repository's own tooling: one workspace, the root.
  return top === 'packages' || top === 'apps' ? `${top}/${name}` : 'root';
}

/**
 * Relative imports of `text` (in `file`) that leave the file's own workspace: another package's
 * code must be reached through its name (`@tender/market`, `@tender/market/testing`), so that
 * `exports` decides what is public.
 */
function crossWorkspaceImports(file: string, text: string): string[] {
  const own = workspaceOf(file);
  return [
    ...text.matchAll(
      /^(?:import|export)\b[^'"]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]|^import\s+['"](\.{1,2}\/[^'"]+)['"]/gm,
    ),
  ]
    .map((m) => m[1] ?? m[2] ?? '')
    .filter((spec) => workspaceOf(resolve(dirname(file), spec)) !== own);
}

describe('import boundaries', () => {
  it('reaches other workspaces by package name only, never by ../../packages/... paths', () => {
    const roots = ['apps', 'packages', 'test', 'scripts'].map((d) => join(repoRoot, d));
    const offenders = roots
      .flatMap(tsFiles)
      .flatMap((file) =>
        crossWorkspaceImports(file, readFileSync(file, 'utf8')).map(
          (spec) => `${relative(repoRoot, file)}: ${spec}`,
        ),
      );
    expect(offenders).toEqual([]);
  });

  it('flags a relative import into another package (the check can fail)', () => {
    const file = join(repoRoot, 'apps/scheduler/src/startScheduler.test.ts');
    expect(
      crossWorkspaceImports(file, "import { x } from '../../../packages/market/src/testing/auctionKit.ts';"),
    ).toEqual(['../../../packages/market/src/testing/auctionKit.ts']);
    expect(crossWorkspaceImports(file, "import { x } from './startScheduler.ts';")).toEqual([]);
  });
});
