// `npm run db:migrate [-- --migrations-dir <dir>]`: applies pending migrations
// to DATABASE_URL, or to the embedded PGlite (TENDER_PGLITE_DIR, default
// .tender/pglite) when DATABASE_URL is unset. Safe to run concurrently and
// repeatedly.
import { parseEnv, url } from '@tender/config';
import { z } from 'zod';
import { createDb } from '../createDb.ts';

const env = parseEnv(
  z.object({
    /** Postgres to migrate; unset: the embedded PGlite. */
    DATABASE_URL: url(['postgres', 'postgresql']).optional(),
    /** Data folder of the embedded PGlite. */
    TENDER_PGLITE_DIR: z.string().optional(),
  }),
);
const flag = process.argv.indexOf('--migrations-dir');
const migrationsDir = flag === -1 ? undefined : process.argv[flag + 1];

const started = performance.now();
try {
  const db = await createDb({
    ...(env.DATABASE_URL === undefined ? {} : { databaseUrl: env.DATABASE_URL }),
    ...(env.TENDER_PGLITE_DIR === undefined ? {} : { pgliteDir: env.TENDER_PGLITE_DIR }),
    ...(migrationsDir === undefined ? {} : { migrationsDir }),
    onMigrationApplied: (name, ms) => console.log(`applied ${name} in ${Math.round(ms)} ms`),
  });
  await db.close();
  const result = db.migrations!;
  for (const name of result.unknown)
    console.warn(`warning: ${name} is applied here but missing from the folder`);
  console.log(
    `${db.kind}: ${result.applied.length} applied, ${result.skipped.length} already applied` +
      (result.applied.length === 0 ? ' (up to date)' : '') +
      ` in ${Math.round(performance.now() - started)} ms`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
