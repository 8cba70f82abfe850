import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { TenderPrisma } from './client.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { type MigrateResult, migrate, migratePostgres } from './migrate.ts';
import { pgliteMigrationConnection } from './migrationConnection.ts';
import { defaultPgliteDir } from './paths.ts';

/** How to reach the database. */
export interface DbConfig {
  /** `postgres://` URL. When absent, the embedded PGlite in `pgliteDir` is used. */
  readonly databaseUrl?: string;
  /** Data folder of the embedded PGlite (default `<repo>/.tender/pglite`). */
  readonly pgliteDir?: string;
  /** Apply pending migrations before returning (default true). */
  readonly migrate?: boolean;
  /** Folder of the migrations (default `<repo>/prisma/migrations`). */
  readonly migrationsDir?: string;
  /** Called after each migration the start-up applies (for logs). */
  readonly onMigrationApplied?: (name: string, ms: number) => void;
  /** Most Postgres connections the client's pool opens (default 10). */
  readonly poolSize?: number;
}

/** An open database of Tender. */
export interface TenderDb {
  readonly prisma: TenderPrisma;
  /** Which database backs it. */
  readonly kind: 'postgres' | 'pglite';
  /** What the start-up migration did; null when `migrate: false`. */
  readonly migrations: MigrateResult | null;
  /** Disconnects the client (and closes the embedded database). */
  close(): Promise<void>;
}

/**
 * Opens Tender's database: Postgres through `@prisma/adapter-pg` when
 * `databaseUrl` is given, otherwise the embedded PGlite (in-process Postgres)
 * through `pglite-prisma-adapter`, in a data folder. Pending migrations are
 * applied first unless `migrate: false`.
 *
 * The embedded database is single-connection and in-process: only one
 * process may open a data folder at a time, so the local stack runs all
 * apps in one process when it uses it (`npm start` without `DATABASE_URL`).
 *
 * @example
 * const db = await createDb({ databaseUrl: env.DATABASE_URL });
 * const job = await db.prisma.job.findUnique({ where: { id } });
 * await db.close();
 */
export async function createDb(config: DbConfig = {}): Promise<TenderDb> {
  const migrateOptions = {
    ...(config.migrationsDir === undefined ? {} : { migrationsDir: config.migrationsDir }),
    ...(config.onMigrationApplied === undefined ? {} : { onApplied: config.onMigrationApplied }),
  };
  if (config.databaseUrl !== undefined) {
    const migrations =
      config.migrate === false ? null : await migratePostgres(config.databaseUrl, migrateOptions);
    const adapter = new PrismaPg({ connectionString: config.databaseUrl, max: config.poolSize ?? 10 });
    const prisma = new PrismaClient({ adapter });
    await prisma.$connect();
    return { prisma, kind: 'postgres', migrations, close: () => prisma.$disconnect() };
  }
  const dir = config.pgliteDir ?? defaultPgliteDir;
  await mkdir(dir, { recursive: true });
  const pglite = new PGlite(dir);
  await pglite.waitReady;
  try {
    const migrations =
      config.migrate === false ? null : await migrate(pgliteMigrationConnection(pglite), migrateOptions);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    await prisma.$connect();
    return {
      prisma,
      kind: 'pglite',
      migrations,
      async close() {
        await prisma.$disconnect();
        await pglite.close();
      },
    };
  } catch (error) {
    await pglite.close();
    throw error;
  }
}
