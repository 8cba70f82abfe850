import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TenderError } from '@tender/core';
import { repoRoot } from './paths.ts';

const require = createRequire(import.meta.url);

/** Options for {@link startAnvil}. */
export interface StartAnvilOptions {
  /** Port to listen on; 0 or omitted picks a free port (anvil binds it and reports it). */
  port?: number;
  /** Mine a block every N seconds instead of on every transaction. */
  blockTimeSec?: number;
  /** Chain id (default 31337). */
  chainId?: number;
  /** When false, anvil's log lines go to this process's stderr. Default true. */
  silent?: boolean;
  /** Extra command-line arguments, e.g. `['--gas-limit', '60000000']`. */
  extraArgs?: readonly string[];
  /** How long to wait for anvil to listen (default 15 s). */
  startTimeoutMs?: number;
}

/** A running anvil node. */
export interface AnvilInstance {
  rpcUrl: string;
  port: number;
  chainId: number;
  /** Process id of anvil's supervisor (a small sh process whose only child is anvil). */
  pid: number;
  /** Stops the node and waits for the process to exit (idempotent). */
  stop(): Promise<void>;
}

/**
 * Path of the native anvil binary shipped by `@foundry-rs/anvil` (its platform package), so that
 * the process we spawn is anvil itself and `stop()` leaves no orphan behind. Falls back to the
 * `node_modules/.bin/anvil` wrapper.
 */
export function anvilBinaryPath(): string {
  try {
    const pkg = require.resolve(
      `@foundry-rs/anvil-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}/package.json`,
    );
    const bin = join(dirname(pkg), 'bin', 'anvil');
    if (existsSync(bin)) return bin;
  } catch {
    // fall through to the wrapper
  }
  return join(repoRoot, 'node_modules', '.bin', 'anvil');
}

/**
 * A tiny sh supervisor: runs anvil, kills it when told to (TERM/INT) or when the Node process that
 * started it disappears (a test worker killed by its runner, a crash), so no anvil outlives us.
 */
const SUPERVISOR = `
parent=$1; shift
"$@" &
child=$!
trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do
  sleep 1 &
  wait $!
done
kill $child 2>/dev/null
wait $child
`;

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/**
 * Starts a real anvil node from `node_modules` on 127.0.0.1 and resolves once it listens.
 * Each call is its own node (own port, own state); call `stop()` when done. A supervisor kills
 * anvil within a second if this process dies without stopping it, so no node is left behind.
 *
 * @example
 * const anvil = await startAnvil();
 * try { await deployTender({ rpcUrl: anvil.rpcUrl, deployerKey: devAccounts.deployer.privateKey }); }
 * finally { await anvil.stop(); }
 */
export async function startAnvil(opts: StartAnvilOptions = {}): Promise<AnvilInstance> {
  const chainId = opts.chainId ?? 31337;
  const args = ['--host', '127.0.0.1', '--port', String(opts.port ?? 0), '--chain-id', String(chainId)];
  if (opts.blockTimeSec !== undefined) args.push('--block-time', String(opts.blockTimeSec));
  args.push(...(opts.extraArgs ?? []));
  const silent = opts.silent ?? true;
  const child = spawn(
    '/bin/sh',
    ['-c', SUPERVISOR, 'tender-anvil', String(process.pid), anvilBinaryPath(), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group: a terminal's Ctrl-C reaches the host, which stops anvil last
      // (the supervisor shell still ends it if the host dies)
      detached: true,
    },
  );
  running.add(child);
  installExitHook();

  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      reject(
        new TenderError('TENDER_DEPENDENCY_UNAVAILABLE', 'anvil did not start in time', { details: { out } }),
      );
    }, opts.startTimeoutMs ?? 15_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (!silent) process.stderr.write(text);
      if (out.length < 64_000) out += text;
      const m = /Listening on [^\s:]+:(\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!silent) process.stderr.write(chunk);
      if (out.length < 64_000) out += chunk.toString('utf8');
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new TenderError('TENDER_DEPENDENCY_UNAVAILABLE', 'anvil could not be spawned', { cause: error }),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new TenderError('TENDER_DEPENDENCY_UNAVAILABLE', `anvil exited during start-up (code ${code})`, {
          details: { out },
        }),
      );
    });
  }).catch(async (error: unknown) => {
    if (!exited) child.kill('SIGKILL');
    await exitPromise;
    throw error;
  });

  let stopping: Promise<void> | undefined;
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    port,
    chainId,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= (async () => {
        if (exited) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exitPromise;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
