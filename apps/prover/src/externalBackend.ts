import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TenderError } from '@tender/core';
import { type Groth16Proof, WitnessCalculator } from '@tender/zk';
import type { ProvingBackend } from './provingBackend.ts';

/** Options of {@link externalBackend}. */
export interface ExternalBackendOptions {
  /**
   * The prover command, rapidsnark-shaped: it is run as
   * `<command…> <zkey> <witness.wtns> <proof.json> <public.json>`. A string is
   * split on whitespace (double or single quotes group words), e.g.
   * `rapidsnark` or `node node_modules/snarkjs/cli.js groth16 prove`.
   */
  command: string | readonly string[];
  /** Scratch folder for witnesses and outputs (a sub-folder per proof, removed after). */
  workDir: string;
  /** Kill the command after this long (default 10 minutes). */
  timeoutMs?: number;
}

/**
 * Splits a command line into words: whitespace separates, `"…"` and `'…'`
 * group (no escapes, no variables — it is not a shell).
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(command); m; m = re.exec(command)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/**
 * A backend for native or GPU provers with the rapidsnark command-line shape
 * (`snarkjs groth16 prove` takes the same arguments): the witness is computed
 * in this process by the circuit's witness wasm (`@tender/zk`
 * WitnessCalculator, kept loaded) and written as a `.wtns` file, then the
 * command runs and its `proof.json` / `public.json` are read back. A failing
 * command throws `TENDER_PROVER_BACKEND_FAILED` with its exit code and the
 * end of its stderr; an aborted task kills the command.
 *
 * @example
 * const backend = externalBackend({ command: 'rapidsnark', workDir: '/var/lib/tender/prover/work' });
 */
export function externalBackend(opts: ExternalBackendOptions): ProvingBackend {
  const argv = typeof opts.command === 'string' ? splitCommand(opts.command) : [...opts.command];
  if (argv.length === 0) throw new TenderError('TENDER_CONFIG_INVALID', 'external prover command is empty');
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const calculators = new Map<string, Promise<WitnessCalculator>>();
  const calculator = (wasmPath: string) => {
    let calc = calculators.get(wasmPath);
    if (!calc) {
      calc = WitnessCalculator.load(wasmPath);
      calculators.set(wasmPath, calc);
      calc.catch(() => calculators.delete(wasmPath));
    }
    return calc;
  };
  return {
    name: 'external',
    async prove(task) {
      const dir = path.join(opts.workDir, `proof-${randomBytes(6).toString('hex')}`);
      await mkdir(dir, { recursive: true });
      try {
        const files = {
          witness: path.join(dir, 'witness.wtns'),
          proof: path.join(dir, 'proof.json'),
          public: path.join(dir, 'public.json'),
        };
        await writeFile(files.witness, (await calculator(task.wasmPath)).calculateWtns(task.input));
        task.signal.throwIfAborted();
        await run(argv, [task.zkeyPath, files.witness, files.proof, files.public], task.signal, timeoutMs);
        const [proof, publicSignals] = await Promise.all([
          readFile(files.proof, 'utf8').then((text) => JSON.parse(text) as Groth16Proof),
          readFile(files.public, 'utf8').then((text) => JSON.parse(text) as unknown[]),
        ]);
        return { proof, publicSignals: publicSignals.map(String) };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async close() {
      calculators.clear();
    },
  };
}

function run(argv: readonly string[], args: string[], signal: AbortSignal, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, [...argv.slice(1), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2_000);
    });
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(kill, timeoutMs);
    signal.addEventListener('abort', kill, { once: true });
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
    };
    child.on('error', (error) => {
      done();
      reject(
        new TenderError('TENDER_PROVER_BACKEND_FAILED', `cannot run ${argv[0]}: ${error.message}`, {
          cause: error,
          details: { command: argv.join(' ') },
        }),
      );
    });
    child.on('close', (code, sig) => {
      done();
      if (signal.aborted)
        return reject(signal.reason instanceof Error ? signal.reason : new Error('proof aborted'));
      if (code === 0) return resolve();
      reject(
        new TenderError(
          'TENDER_PROVER_BACKEND_FAILED',
          `external prover exited with ${code === null ? `signal ${sig}` : `code ${code}`}`,
          { details: { command: argv.join(' '), exitCode: code, signal: sig, stderr: stderr.trim() } },
        ),
      );
    });
  });
}
