import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** One local prover worker process. */
export interface LocalProver {
  name: string;
  backend: 'snarkjs' | 'external';
  child: ChildProcess;
}

/**
 * Starts `count` prover workers (apps/prover) as child processes, each with
 * its own anvil dev key (TENDER_DEV=1, PROVER_DEV_INDEX=i), staking itself on
 * first start. The first proves with snarkjs in worker threads; the second with
 * the `external` backend, driving the snarkjs CLI in the rapidsnark argument
 * shape (the way a native or GPU prover plugs in). Output lines are prefixed
 * with the worker's name.
 */
export function startLocalProvers(opts: {
  root: string;
  count: number;
  apiUrl: string;
  rpcUrl: string;
  dataDir: string;
  logLevel: string;
  log: (line: string) => void;
}): { provers: LocalProver[]; stop(): Promise<void> } {
  const provers: LocalProver[] = [];
  for (let i = 0; i < opts.count; i++) {
    const backend = i % 2 === 0 ? 'snarkjs' : 'external';
    const name = `prover-${i + 1}`;
    const child = spawn(process.execPath, ['--import', 'tsx', join(opts.root, 'apps/prover/src/server.ts')], {
      cwd: opts.root,
      env: {
        ...process.env,
        TENDER_DEV: '1',
        PROVER_DEV_INDEX: String(i),
        PROVER_NAME: `local ${name} (${backend})`,
        TENDER_API_URL: opts.apiUrl,
        RPC_URL: opts.rpcUrl,
        TENDER_DATA_DIR: opts.dataDir,
        PROVER_BACKEND: backend,
        PROVER_EXTERNAL_CMD: `${process.execPath} ${join(opts.root, 'node_modules/snarkjs/build/cli.cjs')} groth16 prove`,
        PROVER_STAKE_WEI: String(10n ** 18n),
        PROVER_SHUTDOWN_GRACE_MS: '5000',
        LOG_LEVEL: opts.logLevel,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // own process group: Ctrl-C reaches the stack only, which stops provers (SIGTERM, grace) before the chain
      detached: true,
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => opts.log(`[${name}] ${line}`));
    }
    provers.push({ name, backend, child });
  }
  const stopOne = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  process.once('exit', () => {
    for (const { child } of provers) if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { provers, stop: async () => void (await Promise.all(provers.map((p) => stopOne(p.child)))) };
}
