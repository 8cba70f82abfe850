import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isTenderError } from '@tender/core';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migratePostgres } from './migrate.ts';
import { migrationChecksum, readMigrationsFolder } from './migrationsFolder.ts';
import { defaultMigrationsDir, repoRoot } from './paths.ts';
import { createTestDatabase, type TestDatabase } from './testing/testDatabase.ts';

const run = promisify(execFile);

/** Every test gets an empty database (no migrations applied) and a scratch copy of the migrations. */
let db: TestDatabase;
let scratch: string;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  db = await createTestDatabase({ migrate: false, poolSize: 1 });
  scratch = await mkdtemp(join(tmpdir(), 'tender-migrations-'));
  await cp(defaultMigrationsDir, scratch, { recursive: true });
  cleanups.push(db.drop, () => rm(scratch, { recursive: true, force: true }));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function sql<Row extends Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function migrationDir(name: string, script: string): Promise<void> {
  await mkdir(join(scratch, name), { recursive: true });
  await writeFile(join(scratch, name, 'migration.sql'), script);
}

describe('migrate (Postgres)', () => {
  it('applies every migration to an empty database and records it as Prisma Migrate does', async () => {
    const folder = await readMigrationsFolder(defaultMigrationsDir);
    const result = await migratePostgres(db.url);

    expect(result.applied).toEqual(folder.migrations.map((m) => m.name));
    const rows = await sql<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      logs: string | null;
      applied_steps_count: number;
      id: string;
    }>('SELECT * FROM _prisma_migrations ORDER BY started_at');
    expect(rows.map((r) => r.migration_name)).toEqual(folder.migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(migrationChecksum(folder.migrations[i]!.script));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    const tables = await sql<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'jobs',
        'auctions',
        'bids',
        'assignments',
        'proofs',
        'provers',
        'batches',
        'slashes',
      ]),
    );
  });

  it('treats re-applying as a no-op', async () => {
    await migratePostgres(db.url);
    const before = await sql(
      'SELECT id, started_at, finished_at FROM _prisma_migrations ORDER BY started_at',
    );

    const again = await migratePostgres(db.url);

    expect(again.applied).toEqual([]);
    expect(again.skipped).toHaveLength(before.length);
    expect(
      await sql('SELECT id, started_at, finished_at FROM _prisma_migrations ORDER BY started_at'),
    ).toEqual(before);
  });

  it('refuses a migration that was edited after it was applied, naming it', async () => {
    await migratePostgres(db.url, { migrationsDir: scratch });
    const [first] = (await readdir(scratch, { withFileTypes: true })).filter((e) => e.isDirectory());
    await writeFile(join(scratch, first!.name, 'migration.sql'), '-- edited\nSELECT 1;\n', { flag: 'a' });

    const error = await migratePostgres(db.url, { migrationsDir: scratch }).catch((e: unknown) => e);

    expect(isTenderError(error, 'TENDER_MIGRATION_CHECKSUM_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain(first!.name);
  });

  it('forgives CRLF line endings in an applied migration, as Prisma does', async () => {
    await migratePostgres(db.url, { migrationsDir: scratch });
    const folder = await readMigrationsFolder(scratch);
    const first = folder.migrations[0]!;
    await writeFile(join(scratch, first.name, 'migration.sql'), first.script.replaceAll('\n', '\r\n'));

    await expect(migratePostgres(db.url, { migrationsDir: scratch })).resolves.toMatchObject({ applied: [] });
  });

  it('rolls back a failing migration and records nothing, so a fixed script applies cleanly', async () => {
    await migratePostgres(db.url, { migrationsDir: scratch });
    const name = '99990101000000_broken';
    await migrationDir(name, 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n');

    const error = await migratePostgres(db.url, { migrationsDir: scratch }).catch((e: unknown) => e);

    expect(isTenderError(error, 'TENDER_MIGRATION_FAILED')).toBe(true);
    expect((error as Error).message).toContain(name);
    expect(await sql("SELECT to_regclass('half_done') AS t")).toEqual([{ t: null }]);
    expect(await sql('SELECT 1 FROM _prisma_migrations WHERE migration_name = $1', [name])).toEqual([]);

    await migrationDir(name, 'CREATE TABLE half_done (id int);\n');
    await expect(migratePostgres(db.url, { migrationsDir: scratch })).resolves.toMatchObject({
      applied: [name],
    });
  });

  it('lets only one of two processes migrating at once apply each migration', async () => {
    // A slow migration keeps the first process inside the lock while the second arrives.
    await migrationDir('99990101000000_slow', 'SELECT pg_sleep(1.5);\nCREATE TABLE slow_done (id int);\n');
    const folder = await readMigrationsFolder(scratch);
    const cli = () =>
      run(
        join(repoRoot, 'node_modules/.bin/tsx'),
        [join(repoRoot, 'packages/db/src/cli/migrate.ts'), '--migrations-dir', scratch],
        { env: { ...process.env, DATABASE_URL: db.url }, cwd: repoRoot },
      );

    const outputs = await Promise.all([cli(), cli()]);

    const applied = outputs.flatMap((o) =>
      [...o.stdout.matchAll(/^applied (\S+) in \d+ ms$/gm)].map((m) => m[1]),
    );
    expect(applied.sort()).toEqual(folder.migrations.map((m) => m.name).sort());
    const rows = await sql<{ n: string }>('SELECT count(*)::text AS n FROM _prisma_migrations');
    expect(rows[0]!.n).toBe(String(folder.migrations.length));
  });
});
