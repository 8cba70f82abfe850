import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import {
  MIGRATION_LOCK_FILE,
  type MigrationsFolder,
  POSTGRES_MIGRATION_LOCK,
  readMigrationsFolder,
} from './migrationsFolder.ts';
import { openSchemaEngine } from './schemaEngine.ts';

/** What {@link authorMigration} needs. */
export interface AuthorMigrationOptions {
  /** Path of `schema.prisma`. */
  readonly schemaPath: string;
  /** Path of `prisma/migrations`. */
  readonly migrationsDir: string;
  /** Migration name (snake_case), appended to the timestamp. */
  readonly name: string;
  /** Write a migration even when there is nothing to change (for hand-written SQL). */
  readonly empty?: boolean;
  /** Clock for the directory timestamp (default: now). */
  readonly now?: Date;
}

/** A migration written by {@link authorMigration}. */
export interface AuthoredMigration {
  /** Directory name, e.g. `20260101120000_init`. */
  readonly name: string;
  /** Path of the new `migration.sql`. */
  readonly path: string;
  readonly script: string;
}

/** `YYYYMMDDHHMMSS` in UTC, the prefix Prisma Migrate gives migration directories. */
export function migrationTimestamp(date: Date): string {
  return date.toISOString().replaceAll(/[-:T]/g, '').slice(0, 14);
}

/** Converts a read migrations folder into the list shape the schema engine takes. */
export function toMigrationList(folder: MigrationsFolder): MigrationList {
  return {
    baseDir: folder.dir,
    // The engine needs the provider even before the first migration (no lock file yet).
    lockfile: { path: MIGRATION_LOCK_FILE, content: folder.lockfile ?? POSTGRES_MIGRATION_LOCK },
    shadowDbInitScript: '',
    migrationDirectories: folder.migrations.map((migration) => ({
      path: migration.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: migration.script } },
    })),
  };
}

/**
 * Authors the next migration like `prisma migrate diff --from-migrations --to-schema`: Prisma's
 * WebAssembly schema engine replays `migrationsDir` on a throw-away in-memory
 * PGlite (the shadow database), diffs the result against `schema.prisma` and
 * the SQL is written to `<migrationsDir>/<timestamp>_<name>/migration.sql`
 * (with `migration_lock.toml`). Returns null when the schema and the
 * migrations already agree (unless `empty` is set).
 *
 * @example
 * const written = await authorMigration({ schemaPath, migrationsDir, name: 'add_bid_index' });
 * console.log(written ? written.path : 'no changes');
 */
export async function authorMigration(options: AuthorMigrationOptions): Promise<AuthoredMigration | null> {
  if (!/^[a-z0-9_]+$/.test(options.name)) {
    throw new Error(`migration name must be snake_case letters, digits and _ (got "${options.name}")`);
  }
  const schema = await readFile(options.schemaPath, 'utf8');
  const folder = await readMigrationsFolder(options.migrationsDir);
  // The engine wants a "main" database connection even for a diff; an
  // in-memory PGlite stands in for it, and the adapter opens another
  // in-memory PGlite as the shadow database that replays the migrations.
  const main = new PGlite();
  const engine = await openSchemaEngine(new PrismaPGlite(main), [[options.schemaPath, schema]]);
  try {
    const result = await engine.diff({
      from: { tag: 'migrations', ...toMigrationList(folder) },
      to: { tag: 'schemaDatamodel', files: [{ path: options.schemaPath, content: schema }] },
      script: true,
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    });
    const changed = result.exitCode === 2;
    if (!changed && !options.empty) return null;
    const script = changed ? (result.stdout ?? '') : '-- This migration was written by hand.\n';
    const name = `${migrationTimestamp(options.now ?? new Date())}_${options.name}`;
    const dir = join(options.migrationsDir, name);
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'migration.sql');
    await writeFile(path, script, { flag: 'wx' });
    await writeFile(join(options.migrationsDir, MIGRATION_LOCK_FILE), POSTGRES_MIGRATION_LOCK);
    return { name, path, script };
  } finally {
    engine.free();
    await main.close();
  }
}
