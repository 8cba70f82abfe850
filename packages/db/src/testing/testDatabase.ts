import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TenderPrisma } from '../client.ts';
import { createDb } from '../createDb.ts';

/** The Postgres that tests use (trust auth, user postgres). */
export const TEST_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Databases made by {@link createTestDatabase} start with this. */
export const TEST_DATABASE_PREFIX = 'tender_test_';

/** Leftovers of crashed test runs older than this are dropped by the next run. */
const STALE_AFTER_S = 2 * 60 * 60;

/** A throw-away Postgres database for one test file. */
export interface TestDatabase {
  /** Its name, `tender_test_<epoch seconds>_<random>`. */
  readonly name: string;
  /** Connection URL. */
  readonly url: string;
  /** A client connected to it (migrated unless `migrate: false`). */
  readonly prisma: TenderPrisma;
  /** Disconnects and drops the database. Safe to call twice. */
  drop(): Promise<void>;
}

/** Options of {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /** Admin connection to the test server (default {@link TEST_POSTGRES_ADMIN_URL}). */
  readonly adminUrl?: string;
  /** Apply the migrations (default true). */
  readonly migrate?: boolean;
  /** Client pool size (default 5). */
  readonly poolSize?: number;
}

/**
 * Creates a fresh, uniquely named database on the test Postgres
 * (127.0.0.1:5432), applies the migrations and connects a client. Call
 * `drop()` in `afterAll`. Databases that crashed runs left behind (older than
 * two hours) are dropped on the way.
 *
 * @example
 * let db: TestDatabase;
 * beforeAll(async () => { db = await createTestDatabase(); });
 * afterAll(() => db.drop());
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? TEST_POSTGRES_ADMIN_URL;
  const name = `${TEST_DATABASE_PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;
  await withAdmin(adminUrl, async (admin) => {
    await dropStale(admin);
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let db: Awaited<ReturnType<typeof createDb>>;
  try {
    db = await createDb({
      databaseUrl: url.toString(),
      migrate: options.migrate ?? true,
      poolSize: options.poolSize ?? 5,
    });
  } catch (error) {
    await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    throw error;
  }
  let dropped = false;
  return {
    name,
    url: url.toString(),
    prisma: db.prisma,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.close();
      await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(adminUrl: string, use: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.end();
  }
}

async function dropStale(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    'SELECT datname FROM pg_database WHERE datname LIKE $1',
    [`${TEST_DATABASE_PREFIX}%`],
  );
  const now = Date.now() / 1000;
  for (const { datname } of rows) {
    const createdAt = Number(/^tender_test_(\d+)_/.exec(datname)?.[1]);
    if (Number.isFinite(createdAt) && now - createdAt > STALE_AFTER_S) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
    }
  }
}
