import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TenderDeployment } from '@tender/chain';
import { repoRoot } from '@tender/config';
import { writeDeploymentFile } from '@tender/infra';

/** Which app a process runs (`apps/<app>/src/server.ts`, as `npm run start -w apps/<app>` does). */
export type AppName = 'api' | 'scheduler' | 'aggregator';

/** One app running as its own process. */
export interface AppProcess {
  /** Unique label, e.g. `aggregator-1`. */
  label: string;
  app: AppName;
  child: ChildProcess;
  /** Output lines so far (stdout and stderr), newest last. */
  lines: string[];
  /** Resolves once the process has exited. */
  exited: Promise<void>;
  /** For the api: its base URL. */
  url?: string;
}

/** Where the apps' infrastructure is (a {@link MarketHarness}-like set of servers). */
export interface LaunchTarget {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  rpcUrl: string;
  deployment: TenderDeployment;
}

/** The target of a market harness (its database, Redis prefix on 127.0.0.1:6379, anvil). */
export function harnessTarget(h: {
  db: { url: string };
  redisPrefix: string;
  anvil: { rpcUrl: string };
  deployment: TenderDeployment;
}): LaunchTarget {
  return {
    databaseUrl: h.db.url,
    redisUrl: 'redis://127.0.0.1:6379',
    redisPrefix: h.redisPrefix,
    rpcUrl: h.anvil.rpcUrl,
    deployment: h.deployment,
  };
}

/** Starts and kills the market's apps as separate processes over one {@link MarketHarness}. */
export interface AppLauncher {
  /** The environment every app gets (database, Redis prefix, chain, deployment file, data folder). */
  readonly env: Record<string, string>;
  readonly dataDir: string;
  /** Starts an app; the api is given a free port (or `port`) and waited for (`GET /health` answers). */
  start(app: AppName, extraEnv?: Record<string, string>, port?: number): Promise<AppProcess>;
  /** `kill -9` and wait for the exit. */
  kill9(p: AppProcess): Promise<void>;
  /** The processes started and not yet exited. */
  running(): AppProcess[];
  /** SIGKILLs what is left. */
  stopAll(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Waits until `check` holds, polling every 100 ms. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  /** What to print beside the timeout (e.g. the jobs by status), so a failure in CI says why. */
  describe?: () => unknown,
): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) {
      const state = describe ? ` — state: ${JSON.stringify(await describe(), bigintSafe)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - start;
}

/**
 * Prepares separate app processes over a target: writes its deployment to a file in
 * `dataDir` and gives every app the target's database URL, Redis URL and prefix
 * (`TENDER_REDIS_PREFIX`) and chain, with development keys (`TENDER_DEV=1`).
 * Processes are spawned as `node --import tsx apps/<app>/src/server.ts`, each in its own
 * process group, and all of them are SIGKILLed when the test process exits.
 */
export async function appLauncher(
  target: LaunchTarget,
  opts: { dataDir: string; echo?: boolean; env?: Record<string, string> },
): Promise<AppLauncher> {
  const root = repoRoot();
  await mkdir(opts.dataDir, { recursive: true });
  const deploymentFile = join(opts.dataDir, 'deployment.json');
  await writeDeploymentFile(deploymentFile, target.deployment);
  const env: Record<string, string> = {
    TENDER_DEV: '1',
    DATABASE_URL: target.databaseUrl,
    REDIS_URL: target.redisUrl,
    TENDER_REDIS_PREFIX: target.redisPrefix,
    RPC_URL: target.rpcUrl,
    TENDER_DATA_DIR: opts.dataDir,
    TENDER_DEPLOYMENT_FILE: deploymentFile,
    TENDER_HEARTBEAT_FILE: join(opts.dataDir, 'heartbeat'),
    LOG_LEVEL: 'warn',
    // These suites share a 2-core machine with other test files: the api's load shedding (503 while
    // the event loop lags, tested in apps/api/src/plugins/limits.test.ts) and rate limit would refuse
    // the suite's own traffic, which is not what they test.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    RATE_LIMIT_MAX: '0',
    ...opts.env,
  };
  const all: AppProcess[] = [];
  const counts = new Map<AppName, number>();
  const killAll = () => {
    for (const p of all) {
      if (p.child.exitCode === null && p.child.signalCode === null && p.child.pid) {
        try {
          process.kill(p.child.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
  };
  process.once('exit', killAll);
  const alive = (p: AppProcess) => p.child.exitCode === null && p.child.signalCode === null;

  return {
    env,
    dataDir: opts.dataDir,
    async start(app, extraEnv = {}, fixedPort) {
      const n = (counts.get(app) ?? 0) + 1;
      counts.set(app, n);
      const label = `${app}-${n}`;
      const port = app === 'api' ? (fixedPort ?? (await freePort())) : undefined;
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, `apps/${app}/src/server.ts`)], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ...env,
          ...(port === undefined
            ? {}
            : { PORT: String(port), TENDER_PUBLIC_URL: `http://127.0.0.1:${port}` }),
          ...extraEnv,
        },
      });
      const lines: string[] = [];
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          lines.push(line);
          if (opts.echo) console.log(`[${label}] ${line}`);
        });
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const p: AppProcess = {
        label,
        app,
        child,
        lines,
        exited,
        ...(port === undefined ? {} : { url: `http://127.0.0.1:${port}` }),
      };
      all.push(p);
      if (p.url) {
        await until(
          async () => {
            if (!alive(p)) throw new Error(`${label} exited: ${lines.slice(-5).join(' | ')}`);
            try {
              return (await fetch(`${p.url}/health`)).status < 500;
            } catch {
              return false;
            }
          },
          `${label} to answer`,
          120_000,
        );
      }
      return p;
    },
    async kill9(p) {
      if (alive(p) && p.child.pid) process.kill(p.child.pid, 'SIGKILL');
      await p.exited;
    },
    running: () => all.filter(alive),
    async stopAll() {
      killAll();
      await Promise.all(all.map((p) => p.exited));
      process.removeListener('exit', killAll);
    },
  };
}
