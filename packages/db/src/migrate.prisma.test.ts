// Prisma's own schema engine (WebAssembly build) is the referee: it must see a
// database migrated by our runner as fully migrated, our runner must see a
// database migrated by Prisma as fully migrated, and the committed migrations
// must produce exactly schema.prisma.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorMigration, toMigrationList } from './authorMigration.ts';
import { migratePostgres } from './migrate.ts';
import { readMigrationsFolder } from './migrationsFolder.ts';
import { defaultMigrationsDir, defaultSchemaPath } from './paths.ts';
import { openSchemaEngine } from './schemaEngine.ts';
import { createTestDatabase, type TestDatabase } from './testing/testDatabase.ts';

const filters = { externalTables: [], externalEnums: [] };
let ours: TestDatabase;
let prismas: TestDatabase;
let schema: string;

beforeAll(async () => {
  [ours, prismas] = await Promise.all([
    createTestDatabase({ migrate: false, poolSize: 1 }),
    createTestDatabase({ migrate: false, poolSize: 1 }),
  ]);
  schema = await readFile(defaultSchemaPath, 'utf8');
});
afterAll(async () => {
  await Promise.all([ours?.drop(), prismas?.drop()]);
});

async function withEngine<T>(
  url: string,
  use: (engine: Awaited<ReturnType<typeof openSchemaEngine>>) => Promise<T>,
) {
  // Our own pool, so its sessions (and the advisory lock Prisma keeps on one) end with the test.
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const engine = await openSchemaEngine(new PrismaPg(pool), [[defaultSchemaPath, schema]]);
  try {
    return await use(engine);
  } finally {
    engine.free();
    await pool.end();
  }
}

describe("Prisma's schema engine and our runner", () => {
  it('Prisma sees a database migrated by our runner as up to date, with nothing edited or failed', async () => {
    await migratePostgres(ours.url);
    const folder = await readMigrationsFolder(defaultMigrationsDir);

    const diagnosis = await withEngine(ours.url, (engine) =>
      engine.diagnoseMigrationHistory({
        migrationsList: toMigrationList(folder),
        optInToShadowDatabase: false,
        filters,
      }),
    );

    expect(diagnosis).toMatchObject({
      hasMigrationsTable: true,
      history: null,
      editedMigrationNames: [],
      failedMigrationNames: [],
    });
  });

  it('our runner sees a database migrated by Prisma as up to date', async () => {
    const folder = await readMigrationsFolder(defaultMigrationsDir);
    const applied = await withEngine(prismas.url, (engine) =>
      engine.applyMigrations({ migrationsList: toMigrationList(folder), filters }),
    );
    expect(applied.appliedMigrationNames).toEqual(folder.migrations.map((m) => m.name));

    const result = await migratePostgres(prismas.url);

    expect(result).toEqual({ applied: [], skipped: folder.migrations.map((m) => m.name), unknown: [] });
  });

  it('the committed migrations produce exactly schema.prisma (no migration is missing)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tender-diff-'));
    try {
      await cp(defaultMigrationsDir, dir, { recursive: true });
      const written = await authorMigration({
        schemaPath: defaultSchemaPath,
        migrationsDir: dir,
        name: 'probe',
      });
      expect(written, written?.script).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
