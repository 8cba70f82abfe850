import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { contractsDir } from './paths.ts';

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

/**
 * Reads every `.sol` file under `contracts/src` and `contracts/test`, keyed by source unit name
 * (the path relative to `contracts/`, e.g. `src/TenderMarket.sol`), sorted by name.
 */
export function readContractSources(root: string = contractsDir): Record<string, string> {
  const files = [...listSol(join(root, 'src')), ...listSol(join(root, 'test'))]
    .map((path) => relative(root, path))
    .sort();
  return Object.fromEntries(files.map((name) => [name, readFileSync(join(root, name), 'utf8')]));
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
