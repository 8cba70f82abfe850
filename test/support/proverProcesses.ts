import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** One prover worker running as its own process (apps/prover/src/server.ts). */
export interface ProverProcess {
  name: string;
  backend: 'snarkjs' | 'external';
  child: ChildProcess;
  /** The process's output so far, one entry per line (stdout and stderr), newest last. */
  lines: string[];
}

/** Options of {@link startProverProcesses}. */
export interface ProverProcessOptions {
  root: string;
  apiUrl: string;
  rpcUrl: string;
  dataDir: string;
  /** Which anvil dev prover key and backend each process gets. */
  provers: readonly { devIndex: number; backend: 'snarkjs' | 'external' }[];
  concurrency: number;
  stakeWei: bigint;
  /** Also print each output line (prefixed) as it comes. */
  echo?: boolean;
}

/** Running prover processes. */
export interface ProverProcesses {
  provers: ProverProcess[];
  /** SIGTERM to each process group, SIGKILL after `graceMs`; resolves once every group is gone. */
  stop(graceMs?: number): Promise<void>;
  /** True when no process of any prover's group is left. */
  allGone(): boolean;
}

/**
 * Spawns prover workers the way an operator runs them (`node --import tsx
 * apps/prover/src/server.ts`, configured by environment only: a dev key,
 * self-staking, the `snarkjs` or the `external` backend driving the snarkjs
 * CLI in the rapidsnark argument shape). Each process leads its own process
 * group, so stopping it also ends the external prover commands it started.
 */
export function startProverProcesses(opts: ProverProcessOptions): ProverProcesses {
  const snarkjsCli = join(opts.root, 'node_modules/snarkjs/build/cli.cjs');
  const provers = opts.provers.map(({ devIndex, backend }): ProverProcess => {
    const name = `prover-${devIndex}-${backend}`;
    const child = spawn(process.execPath, ['--import', 'tsx', join(opts.root, 'apps/prover/src/server.ts')], {
      cwd: opts.root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TENDER_DEV: '1',
        PROVER_DEV_INDEX: String(devIndex),
        PROVER_NAME: name,
        TENDER_API_URL: opts.apiUrl,
        RPC_URL: opts.rpcUrl,
        TENDER_DATA_DIR: opts.dataDir,
        PROVER_BACKEND: backend,
        PROVER_EXTERNAL_CMD: `${process.execPath} ${snarkjsCli} groth16 prove`,
        PROVER_CONCURRENCY: String(opts.concurrency),
        PROVER_STAKE_WEI: opts.stakeWei.toString(),
        PROVER_SHUTDOWN_GRACE_MS: '3000',
        LOG_LEVEL: 'info',
      },
    });
    const lines: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (opts.echo) console.log(`[${name}] ${line}`);
      });
    }
    return { name, backend, child, lines };
  });

  const groupAlive = (child: ChildProcess): boolean => {
    if (child.pid === undefined) return false;
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signalGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  const stopOne = async (child: ChildProcess, graceMs: number): Promise<void> => {
    signalGroup(child, 'SIGTERM');
    const killAt = Date.now() + graceMs;
    while (groupAlive(child)) {
      if (Date.now() >= killAt) signalGroup(child, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  // Never leave a worker behind, even when the test runner dies first.
  const killAll = () => {
    for (const { child } of provers) signalGroup(child, 'SIGKILL');
  };
  process.once('exit', killAll);

  return {
    provers,
    allGone: () => provers.every(({ child }) => !groupAlive(child)),
    async stop(graceMs = 8_000) {
      await Promise.all(provers.map(({ child }) => stopOne(child, graceMs)));
      process.removeListener('exit', killAll);
    },
  };
}
