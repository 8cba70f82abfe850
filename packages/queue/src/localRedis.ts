import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { TenderError } from '@tender/core';
import { pingRedis } from './redisConnection.ts';

/** How a Redis URL was obtained. */
export interface ResolvedRedis {
  url: string;
  /** `configured`: from REDIS_URL; `local`: one already answering on 127.0.0.1:6379; `spawned`: started by us. */
  source: 'configured' | 'local' | 'spawned';
  /** Stops a spawned redis-server (no-op otherwise). */
  stop(): Promise<void>;
}

const DEFAULT_LOCAL = 'redis://127.0.0.1:6379';

/** Returns a TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Finds a Redis for the local stack: `url` when given (it must answer), else
 * the one on 127.0.0.1:6379 if it answers, else a `redis-server` from PATH
 * started on a free port without persistence, else a TENDER_DEPENDENCY_UNAVAILABLE
 * error that says how to install Redis.
 */
export async function resolveRedis(url?: string): Promise<ResolvedRedis> {
  const noop = async () => {};
  if (url !== undefined) {
    try {
      await pingRedis(url);
    } catch (error) {
      throw new TenderError(
        'TENDER_DEPENDENCY_UNAVAILABLE',
        `REDIS_URL: cannot reach Redis at ${redact(url)} (${(error as Error).message})`,
        { details: { variable: 'REDIS_URL' }, cause: error },
      );
    }
    return { url, source: 'configured', stop: noop };
  }
  try {
    await pingRedis(DEFAULT_LOCAL, 500);
    return { url: DEFAULT_LOCAL, source: 'local', stop: noop };
  } catch {
    return spawnRedis();
  }
}

/** Starts `redis-server` from PATH on a free port, without persistence. */
export async function spawnRedis(): Promise<ResolvedRedis> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = await new Promise<ChildProcess>((resolve, reject) => {
      const proc = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: 'ignore' },
      );
      proc.once('error', reject);
      proc.once('spawn', () => resolve(proc));
    });
  } catch (error) {
    throw new TenderError(
      'TENDER_DEPENDENCY_UNAVAILABLE',
      'Redis is not answering on 127.0.0.1:6379 and redis-server is not on PATH: install it (apt-get install redis-server) or set REDIS_URL',
      { cause: error },
    );
  }
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await pingRedis(url, 200);
      return { url, source: 'spawned', stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new TenderError(
    'TENDER_DEPENDENCY_UNAVAILABLE',
    `redis-server started on port ${port} but never answered`,
  );
}

/** Hides a password in a Redis URL for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
