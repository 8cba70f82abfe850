import { tryAcquireLease } from '@tender/db';
import { createTestDatabase, type TestDatabase } from '@tender/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Leadership, runWhileLeading } from './leadership.ts';

// The aggregator's lease on a real Postgres: one holder at a time, a takeover when the holder's
// connection dies (what `kill -9` of the holder does to its session), the work stopped on loss.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});
afterAll(() => db?.drop());

const quiet = { info() {}, warn() {}, error() {} };

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - start;
}

/** Ends the session holding the lease from outside, as Postgres does for a killed client. */
async function terminateLeaseHolder(): Promise<number> {
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`,
    );
    return rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe('the aggregator lease (a Postgres advisory lock on its own connection)', () => {
  it('is held by one session at a time and free again once that session is released', async () => {
    const first = await tryAcquireLease(db.url, 'lease-a');
    expect(first?.held).toBe(true);
    expect(await tryAcquireLease(db.url, 'lease-a')).toBeNull();
    const other = await tryAcquireLease(db.url, 'lease-b');
    expect(other?.held).toBe(true);
    await first!.release();
    expect(first!.held).toBe(false);
    expect(await first!.lost).toBe('lease released');
    const second = await tryAcquireLease(db.url, 'lease-a');
    expect(second?.held).toBe(true);
    await Promise.all([second!.release(), other!.release()]);
  });

  it('runs the work in exactly one of three replicas; when the leader dies another takes over within seconds', async () => {
    const name = 'lease-race';
    let running = 0;
    let most = 0;
    let started = 0;
    const replicas: Leadership[] = [];
    for (let i = 0; i < 3; i++) {
      replicas.push(
        runWhileLeading({
          acquire: () => tryAcquireLease(db.url, name, { probeMs: 200, probeTimeoutMs: 1_000 }),
          lead: async () => {
            running += 1;
            started += 1;
            most = Math.max(most, running);
            return {
              async close() {
                running -= 1;
              },
            };
          },
          retryMs: 200,
          logger: quiet,
        }),
      );
    }
    await until(() => replicas.some((r) => r.leading), 'a leader');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(replicas.filter((r) => r.leading)).toHaveLength(1);
    const leader = replicas.find((r) => r.leading)!;

    // The leader's session dies (its process was killed): the server ends the session.
    expect(await terminateLeaseHolder()).toBe(1);
    const takeoverMs = await until(
      () => replicas.some((r) => r !== leader && r.leading) || (leader.terms > 1 && leader.leading),
      'a new leader',
    );
    console.log(`[lease] took over ${takeoverMs} ms after the leader's session ended`);
    expect(takeoverMs).toBeLessThan(10_000);
    await until(() => running === 1, 'the old work to stop');
    expect(started).toBe(2);
    expect(most).toBe(1);
    expect(replicas.filter((r) => r.leading)).toHaveLength(1);

    await Promise.all(replicas.map((r) => r.close()));
    expect(running).toBe(0);
    expect(await tryAcquireLease(db.url, name).then((l) => l?.release().then(() => true))).toBe(true);
  });
});
