// `npm run db:bench`: migration figures on this machine (market writes are benched with
// their stages, e.g. packages/market/src/jobs/submitJob.bench.ts).
// Uses a throw-away database on the test Postgres (127.0.0.1:5432) and a
// temporary PGlite folder; leaves nothing behind.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '../src/createDb.ts';
import { migratePostgres } from '../src/migrate.ts';
import { createTestDatabase } from '../src/testing/testDatabase.ts';

const rows: [string, string][] = [];
const time = async <T>(label: string, count: number, work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  rows.push([
    label,
    count > 1
      ? `${Math.round((count * 1000) / ms)}/s (${count} in ${Math.round(ms)} ms)`
      : `${Math.round(ms)} ms`,
  ]);
  return result;
};

const empty = await createTestDatabase({ migrate: false, poolSize: 1 });
try {
  await time('migrate empty Postgres (all migrations)', 1, () => migratePostgres(empty.url));
  await time('migrate Postgres again (no-op)', 1, () => migratePostgres(empty.url));
} finally {
  await empty.drop();
}

const dir = await mkdtemp(join(tmpdir(), 'tender-bench-pglite-'));
try {
  const pglite = await time('createDb on an empty PGlite folder (open + migrate)', 1, () =>
    createDb({ pgliteDir: dir }),
  );
  await pglite.close();
  const again = await time('createDb on a migrated PGlite folder', 1, () => createDb({ pgliteDir: dir }));
  await again.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}

const width = Math.max(...rows.map(([label]) => label.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
