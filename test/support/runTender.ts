import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';

/** What one `tender` run printed and how it exited. */
export interface TenderRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (commands run with `--json`), else undefined. */
  json: unknown;
}

/** The CLI's entry in the repository (`npx tender` runs the same file). */
export const tenderBin = (root: string) => path.join(root, 'packages', 'cli', 'bin', 'tender.mjs');

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Runs `tender <args>` as its own process with exactly `env` (plus PATH) and resolves when it exits. */
export function runTender(
  root: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 300_000,
): Promise<TenderRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tenderBin(root), ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: timeoutMs, maxBuffer: 32 * 2 ** 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr, json: parse(stdout) });
      },
    );
  });
}

/** Starts a long-running `tender <args>` (e.g. `prover run`); the caller stops it with SIGINT. */
export function spawnTender(
  root: string,
  args: string[],
  env: Record<string, string>,
  echo = false,
): ChildProcess {
  const child = spawn(process.execPath, [tenderBin(root), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (echo) {
    child.stdout?.on('data', (d) => process.stdout.write(`[tender] ${d}`));
    child.stderr?.on('data', (d) => process.stderr.write(`[tender] ${d}`));
  } else {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  return child;
}
