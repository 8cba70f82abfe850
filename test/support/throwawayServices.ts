import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { accessSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRedisConnection } from '@tender/queue';
import { freePort, until } from './appProcesses.ts';

// Postgres and Redis servers that belong to one test, so the fault suite can restart Postgres
// and flush Redis for real without touching the machine's shared servers (127.0.0.1:5432/6379,
// which other test files and people use at the same time). Postgres comes from the Debian
// packages' initdb/pg_ctl, run as the `postgres` user when the test runs as root (initdb refuses
// root); Redis is `redis-server` with persistence off.

const run = promisify(execFile);

/** A throwaway Postgres cluster. */
export interface PostgresCluster {
  /** Admin URL (`postgres` database, trust auth). */
  adminUrl: string;
  /** Stops it abruptly (`pg_ctl stop -m immediate`: like a crash) and starts it again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A throwaway Redis server. */
export interface RedisServer {
  url: string;
  /** FLUSHALL: every key of this server is gone. */
  flushAll(): Promise<void>;
  stop(): Promise<void>;
}

/** The pg_ctl/initdb binaries, or null when they are not installed. */
export function postgresBinaries(): { initdb: string; pgCtl: string } | null {
  for (const dir of [
    '/usr/local/bin',
    '/usr/lib/postgresql/17/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/lib/postgresql/15/bin',
  ]) {
    try {
      const initdb = join(dir, 'initdb');
      const pgCtl = join(dir, 'pg_ctl');
      accessSync(initdb);
      return { initdb, pgCtl };
    } catch {
      // next
    }
  }
  return null;
}

/** Starts a fresh Postgres cluster on a free port in a temporary folder. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bins = postgresBinaries();
  if (!bins) throw new Error('initdb/pg_ctl not found: install the postgresql Debian package');
  const root = await mkdtemp(join(tmpdir(), 'tender-pg-'));
  const data = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(root, Number(stdout.trim()), Number(gid.trim()));
  }
  const as = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);
  await as(bins.initdb, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () => as(bins.pgCtl, ['-D', data, '-o', options, '-l', join(root, 'log'), '-w', 'start']);
  await start();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  // Never leave the cluster running, even when the test runner is stopped first.
  const stopNow = () => {
    const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
    try {
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', bins.pgCtl, ...args], { stdio: 'ignore' });
      else execFileSync(bins.pgCtl, args, { stdio: 'ignore' });
    } catch {
      // stopped already
    }
  };
  process.once('exit', stopNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      stopNow();
      process.exit(1);
    });
  return {
    adminUrl,
    async restart() {
      await as(bins.pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', stopNow);
      await as(bins.pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Starts a redis-server with persistence off on a free port. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tender-redis-'));
  await mkdir(dir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const client = createRedisConnection(url);
  await until(
    async () => {
      try {
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    'redis-server to answer',
    20_000,
  );
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  return {
    url,
    async flushAll() {
      await client.flushall();
    },
    async stop() {
      client.disconnect();
      child.kill('SIGKILL');
      process.removeListener('exit', kill);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
