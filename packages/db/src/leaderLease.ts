import pg from 'pg';

/** A lease this process holds: a session-level Postgres advisory lock on its own connection. */
export interface HeldLease {
  /** What the lease is for (the lock's name). */
  readonly name: string;
  /** Resolves (never rejects) once the lease is lost: its connection ended, errored or stopped answering. */
  readonly lost: Promise<string>;
  /** True until the lease is lost or released. */
  readonly held: boolean;
  /** Unlocks and closes the connection. Idempotent. */
  release(): Promise<void>;
}

/** Options of {@link tryAcquireLease}. */
export interface LeaseOptions {
  /** How often the held connection is probed (`SELECT 1`), ms (default 1 000). */
  probeMs?: number;
  /** A probe not answered in this long counts as a lost connection, ms (default 3 000). */
  probeTimeoutMs?: number;
}

/** Class key of Tender's leases (the first half of the two-key advisory lock). */
const LEASE_CLASS = 0x7e4d;

/**
 * Tries once to take the lease `name`: `pg_try_advisory_lock` on a dedicated
 * connection (not a pool: a session lock lives as long as its session). Returns
 * null when another session holds it. Postgres releases the lock the moment the
 * holder's connection ends, so a holder killed with `kill -9` frees the lease as
 * soon as the server sees the socket close; a holder whose connection breaks
 * (server restart, network) sees `lost` resolve within `probeTimeoutMs` and must
 * stop the work the lease guards.
 *
 * @example
 * const lease = await tryAcquireLease(env.DATABASE_URL, 'aggregator');
 * if (lease) { const work = start(); await lease.lost; await work.close(); }
 */
export async function tryAcquireLease(
  databaseUrl: string,
  name: string,
  options: LeaseOptions = {},
): Promise<HeldLease | null> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    keepAlive: true,
    application_name: `tender-lease-${name}`,
  });
  let markLost: (why: string) => void = () => {};
  const lost = new Promise<string>((resolve) => {
    markLost = resolve;
  });
  let held = false;
  client.on('error', (error) => {
    held = false;
    markLost(`lease connection error: ${error.message}`);
  });
  client.on('end', () => {
    held = false;
    markLost('lease connection ended');
  });
  try {
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked',
      [LEASE_CLASS, name],
    );
    if (!rows[0]?.locked) {
      await client.end();
      return null;
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  held = true;
  const probeMs = options.probeMs ?? 1_000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 3_000;
  let probing = false;
  const probe = setInterval(() => {
    if (probing || !held) return;
    probing = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${probeTimeoutMs} ms`)), probeTimeoutMs);
    });
    Promise.race([client.query('SELECT 1'), timeout])
      .catch((error: unknown) => {
        held = false;
        markLost(`lease probe failed: ${(error as Error).message}`);
        client.end().catch(() => {});
      })
      .finally(() => {
        clearTimeout(timer);
        probing = false;
      });
  }, probeMs);
  probe.unref();
  void lost.then(() => clearInterval(probe));

  let releasing: Promise<void> | undefined;
  return {
    name,
    lost,
    get held() {
      return held;
    },
    release() {
      releasing ??= (async () => {
        clearInterval(probe);
        const wasHeld = held;
        held = false;
        if (wasHeld) {
          await client
            .query('SELECT pg_advisory_unlock($1::int, hashtext($2))', [LEASE_CLASS, name])
            .catch(() => {});
        }
        markLost('lease released');
        await client.end().catch(() => {});
      })();
      return releasing;
    },
  };
}
