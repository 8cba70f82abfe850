import { randomUUID } from 'node:crypto';
import { TenderError } from '@tender/core';
import pg from 'pg';
import { type MigrationConnection, pgMigrationConnection } from './migrationConnection.ts';
import { checksumMatches, readMigrationsFolder } from './migrationsFolder.ts';
import { defaultMigrationsDir } from './paths.ts';

/** The advisory lock key Prisma Migrate takes, so this runner and `prisma migrate deploy` exclude each other. */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

/** Prisma Migrate's bookkeeping table, created exactly as its schema engine creates it on Postgres. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** Folder of the migrations (default: `<repo>/prisma/migrations`). */
  readonly migrationsDir?: string;
  /** Called after each migration is applied. */
  readonly onApplied?: (name: string, ms: number) => void;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  readonly applied: readonly string[];
  /** Migrations that were already applied. */
  readonly skipped: readonly string[];
  /** Migrations recorded in the database but absent from the folder (a newer deploy ran here). */
  readonly unknown: readonly string[];
}

interface AppliedRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies the pending migrations of `prisma/migrations/` in order, each in its
 * own transaction, and records them in `_prisma_migrations` the way Prisma
 * Migrate does (same table, same checksum, same advisory lock), so
 * `prisma migrate deploy` sees them as applied and vice versa. Re-applying is
 * a no-op. Concurrent callers serialise on the advisory lock: one applies,
 * the others find nothing pending.
 *
 * Throws `TenderError`:
 * - `TENDER_MIGRATION_CHECKSUM_MISMATCH` when an applied migration's file was edited afterwards;
 * - `TENDER_MIGRATION_FAILED` when a script fails (its transaction is rolled back, nothing is
 *   recorded, so fixing the script and re-running is enough), or when the table holds a
 *   migration Prisma left half-applied;
 * - `TENDER_MIGRATIONS_INVALID` for an unreadable folder.
 *
 * Statements that Postgres refuses inside a transaction (`CREATE INDEX CONCURRENTLY`) cannot
 * be used in migrations.
 *
 * @example
 * const client = new pg.Client({ connectionString }); await client.connect();
 * await migrate(pgMigrationConnection(client));
 */
export async function migrate(
  connection: MigrationConnection,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const folder = await readMigrationsFolder(options.migrationsDir ?? defaultMigrationsDir);
  await connection.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY})`);
  try {
    await connection.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await connection.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const live = rows.filter((row) => row.rolled_back_at === null);
    const failed = live.find((row) => row.finished_at === null);
    if (failed !== undefined) {
      throw new TenderError(
        'TENDER_MIGRATION_FAILED',
        `migration ${failed.migration_name} failed earlier and is still marked as failed; resolve it first`,
        { details: { migration: failed.migration_name } },
      );
    }
    const applied = new Map(live.map((row) => [row.migration_name, row]));
    const local = new Set(folder.migrations.map((migration) => migration.name));
    const result = { applied: [] as string[], skipped: [] as string[], unknown: [] as string[] };
    result.unknown.push(...[...applied.keys()].filter((name) => !local.has(name)));

    for (const migration of folder.migrations) {
      const row = applied.get(migration.name);
      if (row !== undefined) {
        if (!checksumMatches(migration.script, row.checksum)) {
          throw new TenderError(
            'TENDER_MIGRATION_CHECKSUM_MISMATCH',
            `migration ${migration.name} was modified after it was applied`,
            { details: { migration: migration.name, applied: row.checksum, local: migration.checksum } },
          );
        }
        result.skipped.push(migration.name);
        continue;
      }
      const started = performance.now();
      await connection.exec('BEGIN');
      try {
        const id = randomUUID();
        await connection.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, clock_timestamp())',
          [id, migration.checksum, migration.name],
        );
        await connection.exec(migration.script);
        await connection.query(
          'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
          [id],
        );
        await connection.exec('COMMIT');
      } catch (cause) {
        await connection.exec('ROLLBACK').catch(() => {});
        throw new TenderError(
          'TENDER_MIGRATION_FAILED',
          `migration ${migration.name} failed: ${messageOf(cause)}`,
          {
            details: { migration: migration.name },
            cause,
          },
        );
      }
      result.applied.push(migration.name);
      options.onApplied?.(migration.name, performance.now() - started);
    }
    return result;
  } finally {
    await connection.query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK_KEY})`).catch(() => {});
  }
}

/**
 * Opens one session to the Postgres at `databaseUrl`, runs {@link migrate} and closes it.
 *
 * @example
 * await migratePostgres('postgres://postgres@127.0.0.1:5432/tender');
 */
export async function migratePostgres(
  databaseUrl: string,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await migrate(pgMigrationConnection(client), options);
  } finally {
    await client.end();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
