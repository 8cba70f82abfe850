import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, relative } from 'node:path';
import { contractsDir } from './paths.ts';

const require = createRequire(import.meta.url);
const IMPORT = /^\s*import\s+(?:[^'"]*\sfrom\s+)?["']([^"']+)["']/gm;

function listSol(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSol(path));
    else if (entry.name.endsWith('.sol')) out.push(path);
  }
  return out;
}

/** Reads a library source unit such as `@openzeppelin/contracts/access/Ownable.sol` from node_modules. */
function readPackageSource(unit: string): string {
  const [scope, name, ...rest] = unit.split('/');
  const pkgJson = require.resolve(`${scope}/${name}/package.json`);
  return readFileSync(join(dirname(pkgJson), ...rest), 'utf8');
}

/**
 * Reads every `.sol` file under `contracts/src` and `contracts/test`, keyed by source unit name
 * (the path relative to `contracts/`, e.g. `src/TenderMarket.sol`), plus every library file they
 * import (`@openzeppelin/contracts/...`, read from node_modules, so the installed version is part
 * of the sources hash), sorted by name.
 */
export function readContractSources(root: string = contractsDir): Record<string, string> {
  const files = [...listSol(join(root, 'src')), ...listSol(join(root, 'test'))]
    .map((path) => relative(root, path))
    .sort();
  const sources = new Map(files.map((name) => [name, readFileSync(join(root, name), 'utf8')]));
  const queue = [...sources.keys()];
  for (let unit = queue.pop(); unit !== undefined; unit = queue.pop()) {
    for (const match of (sources.get(unit) ?? '').matchAll(IMPORT)) {
      const target = match[1] ?? '';
      const resolved = target.startsWith('.') ? posix.join(posix.dirname(unit), target) : target;
      if (sources.has(resolved)) continue;
      sources.set(resolved, readPackageSource(resolved));
      queue.push(resolved);
    }
  }
  return Object.fromEntries([...sources.keys()].sort().map((name) => [name, sources.get(name) ?? '']));
}

/** sha256 over the sorted source unit names and contents: what the generated bindings were built from. */
export function hashContractSources(sources: Readonly<Record<string, string>>): `0x${string}` {
  const h = createHash('sha256');
  for (const name of Object.keys(sources).sort()) {
    h.update(name);
    h.update('\0');
    h.update(sources[name] ?? '');
    h.update('\0');
  }
  return `0x${h.digest('hex')}`;
}
