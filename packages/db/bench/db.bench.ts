// `npm run db:bench`: migration and repository figures on this machine.
// Uses a throw-away database on the test Postgres (127.0.0.1:5432) and a
// temporary PGlite folder; leaves nothing behind.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '../src/createDb.ts';
import { migratePostgres } from '../src/migrate.ts';
import { claimProvenJobsForBatch } from '../src/repositories/claimProvenJobsForBatch.ts';
import { createJob } from '../src/repositories/createJob.ts';
import { lockCollateral } from '../src/repositories/lockCollateral.ts';
import { transitionJob } from '../src/repositories/transitionJob.ts';
import { insertCircuit, insertProver, insertRequester } from '../src/testing/fixtures.ts';
import { createTestDatabase } from '../src/testing/testDatabase.ts';

const N = 500;
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

const db = await createTestDatabase({ poolSize: 10 });
try {
  const requester = await insertRequester(db.prisma);
  const circuit = await insertCircuit(db.prisma);
  const submit = (i: number) =>
    createJob(db.prisma, {
      requesterId: requester.id,
      circuitId: circuit.id,
      input: { x: i },
      inputHash: `0x${i.toString(16).padStart(64, '0')}`,
      maxFeeWei: 10n ** 18n,
      deadline: new Date(Date.now() + 3_600_000),
      idempotencyKey: `bench-${i}`,
    });
  const jobs = await time('createJob, one at a time', N, async () => {
    const out = [];
    for (let i = 0; i < N; i++) out.push((await submit(i)).job.id);
    return out;
  });
  await time('createJob, 10 concurrent', N, async () => {
    for (let i = 0; i < N; i += 10)
      await Promise.all(Array.from({ length: 10 }, (_, k) => submit(N + i + k)));
  });
  await time('createJob replay (idempotent hit)', N, async () => {
    for (let i = 0; i < N; i++) await submit(i);
  });
  await time('transitionJob, one at a time', N, async () => {
    for (const jobId of jobs) await transitionJob(db.prisma, { jobId, from: 'submitted', to: 'proven' });
  });
  await time('claimProvenJobsForBatch, 4 aggregators x batches of 50', N, async () => {
    const claimer = async () => {
      while ((await claimProvenJobsForBatch(db.prisma, { limit: 50 })) !== null) {}
    };
    await Promise.all([claimer(), claimer(), claimer(), claimer()]);
  });
  const prover = await insertProver(db.prisma, { collateralTotalWei: 10n ** 30n });
  await time('lockCollateral, 10 concurrent', N, async () => {
    for (let i = 0; i < N; i += 10)
      await Promise.all(Array.from({ length: 10 }, () => lockCollateral(db.prisma, prover.id, 10n ** 15n)));
  });
} finally {
  await db.drop();
}

const width = Math.max(...rows.map(([label]) => label.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
