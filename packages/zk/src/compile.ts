import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TenderError } from '@tender/core';
import { readCircuitSignals } from './circuitSignals.ts';
import type { InputSignal } from './types.ts';

/** Options of {@link compileCircuit}. */
export interface CompileOptions {
  /** Absolute path of the `.circom` file holding `component main`. */
  source: string;
  /** Absolute path of the folder that receives `<name>.r1cs`, `<name>.sym` and `<name>_js/<name>.wasm`. */
  outDir: string;
  /** Absolute include folders (`-l`), e.g. `<repo>/node_modules` for circomlib. */
  includePaths?: readonly string[];
  /** circom optimisation level; `O2` (default) also removes linear constraints. */
  optimize?: 'O0' | 'O1' | 'O2';
}

/** What {@link compileCircuit} produced, with facts read back from the r1cs and sym files. */
export interface CompiledCircuit {
  /** File name of the source without `.circom`. */
  name: string;
  r1csPath: string;
  wasmPath: string;
  symPath: string;
  /** Number of R1CS constraints after optimisation. */
  constraints: number;
  /** Number of public signals (outputs + public inputs). */
  publicSignals: number;
  /** Public signal names in snarkjs order (outputs first, then public inputs), without `main.`, e.g. `x[0]`. */
  publicSignalNames: string[];
  /** Inputs of the main component in witness order (public inputs first), with flattened sizes. */
  inputSignals: InputSignal[];
}

const require = createRequire(import.meta.url);
const circomCli = require.resolve('circom2/cli.js');
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes from circom's output
const ansi = /\u001b\[[0-9;]*m/g;

function commonAncestor(paths: readonly string[]): string {
  let parts = paths[0]!.split(path.sep);
  for (const p of paths.slice(1)) {
    const q = p.split(path.sep);
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(path.sep) || path.sep;
}

function runCircom(cwd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [circomCli, ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.replace(ansi, '').trim();
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output });
      },
    );
  });
}

/**
 * Compiles a circom 2 circuit with circom2 (circom in WebAssembly) to r1cs,
 * witness wasm and sym, and reports constraint count and signal layout.
 * Runs the circom2 CLI in a child process with the working directory set to
 * a common ancestor of every path (circom2 only sees that folder and below).
 * Throws `TENDER_CIRCUIT_COMPILE_FAILED` carrying circom's message on error.
 *
 * @example
 * const c = await compileCircuit({
 *   source: '/repo/packages/circuits/src/mnist.circom',
 *   outDir: '/repo/.tender/cache/circuits/mnist',
 *   includePaths: ['/repo/node_modules'],
 * });
 * console.log(c.constraints, c.publicSignalNames);
 */
export async function compileCircuit(opts: CompileOptions): Promise<CompiledCircuit> {
  const source = path.resolve(opts.source);
  const outDir = path.resolve(opts.outDir);
  const includePaths = (opts.includePaths ?? []).map((p) => path.resolve(p));
  const name = path.basename(source).replace(/\.circom$/, '');
  await mkdir(outDir, { recursive: true });
  const cwd = commonAncestor([path.dirname(source), outDir, ...includePaths]);
  const rel = (p: string) => path.relative(cwd, p) || '.';
  const args = [rel(source), '--r1cs', '--wasm', '--sym', `--${opts.optimize ?? 'O2'}`, '-o', rel(outDir)];
  for (const inc of includePaths) args.push('-l', rel(inc));
  const { code, output } = await runCircom(cwd, args);
  if (code !== 0 || /^error\[/m.test(output)) {
    throw new TenderError(
      'TENDER_CIRCUIT_COMPILE_FAILED',
      `circom failed to compile ${name}: ${firstError(output)}`,
      {
        details: { source, exitCode: code, output },
      },
    );
  }
  const r1csPath = path.join(outDir, `${name}.r1cs`);
  const symPath = path.join(outDir, `${name}.sym`);
  const wasmPath = path.join(outDir, `${name}_js`, `${name}.wasm`);
  const signals = await readCircuitSignals(r1csPath, symPath);
  return { name, r1csPath, wasmPath, symPath, ...signals };
}

function firstError(output: string): string {
  const lines = output.split('\n');
  const i = lines.findIndex((l) => /error/i.test(l));
  return (i >= 0 ? lines.slice(i, i + 3) : lines.slice(-3)).join(' ').replace(/\s+/g, ' ').trim();
}
