import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CircuitFiles } from '@tender/sdk';
import { CliError, ExitCode } from './exitCodes.ts';

/** The file names `tender model compile` writes (and `circuit add <dir>` looks for first). */
export const CIRCUIT_LAYOUT = {
  wasm: 'circuit.wasm',
  zkey: 'circuit.zkey',
  vkey: 'verification_key.json',
  r1cs: 'circuit.r1cs',
  sym: 'circuit.sym',
  modelCard: 'model-card.json',
} as const;

type Kind = keyof typeof CIRCUIT_LAYOUT;

function kindOf(file: string): Kind | undefined {
  const base = path.basename(file).toLowerCase();
  if (base === 'model-card.json' || base === 'card.json') return 'modelCard';
  if (base.endsWith('.wasm')) return 'wasm';
  if (base.endsWith('.zkey')) return 'zkey';
  if (base.endsWith('.r1cs')) return 'r1cs';
  if (base.endsWith('.sym')) return 'sym';
  if (base === 'verification_key.json' || base.endsWith('.vkey.json') || base === 'vkey.json') return 'vkey';
  return undefined;
}

async function filesUnder(dir: string, depth: number): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isFile()) out.push(full);
    else if (entry.isDirectory() && depth > 0) out.push(...(await filesUnder(full, depth - 1)));
  }
  return out;
}

/**
 * Finds a circuit's five artifacts (and an optional model card) in a folder (circom's `_js/`
 * subfolder included) or in a list of files, by extension: `.wasm`, `.zkey`, `.r1cs`, `.sym`,
 * `verification_key.json` / `*.vkey.json`, `model-card.json`. Usage error naming what is missing
 * or found twice.
 */
export async function readCircuitFiles(paths: string[], name: string | undefined): Promise<CircuitFiles> {
  const files: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => {
      throw new CliError(ExitCode.usage, 'TENDER_CLI_USAGE', `no such file or folder: ${p}`);
    });
    if (s.isDirectory()) files.push(...(await filesUnder(p, 1)));
    else files.push(p);
  }
  const found: Partial<Record<Kind, string>> = {};
  for (const file of files) {
    const kind = kindOf(file);
    if (kind === undefined) continue;
    const prev = found[kind];
    if (prev !== undefined) {
      throw new CliError(
        ExitCode.usage,
        'TENDER_CLI_USAGE',
        `two ${kind} files: ${prev} and ${file}; pass the files one by one`,
      );
    }
    found[kind] = file;
  }
  const missing = (['wasm', 'zkey', 'vkey', 'r1cs', 'sym'] as const).filter((k) => found[k] === undefined);
  if (missing.length > 0) {
    throw new CliError(
      ExitCode.usage,
      'TENDER_CLI_USAGE',
      `missing circuit files: ${missing.map((k) => CIRCUIT_LAYOUT[k]).join(', ')}`,
    );
  }
  const read = (k: Kind) => readFile(found[k] as string);
  const [wasm, zkey, vkey, r1cs, sym] = await Promise.all(
    ['wasm', 'zkey', 'vkey', 'r1cs', 'sym'].map((k) => read(k as Kind)),
  );
  const modelCard =
    found.modelCard === undefined ? undefined : JSON.parse(await readFile(found.modelCard, 'utf8'));
  const fallbackName = path.basename(path.resolve(paths[0] ?? 'circuit')).replace(/\.[a-z0-9]+$/i, '');
  return {
    name: name ?? (modelCard as { model?: string } | undefined)?.model ?? fallbackName,
    wasm: wasm as Uint8Array,
    zkey: zkey as Uint8Array,
    vkey: vkey as Uint8Array,
    r1cs: r1cs as Uint8Array,
    sym: sym as Uint8Array,
    ...(modelCard === undefined ? {} : { modelCard }),
  };
}
