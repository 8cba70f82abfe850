import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from './createDb.ts';
import { readMigrationsFolder } from './migrationsFolder.ts';
import { defaultMigrationsDir } from './paths.ts';
import { insertCircuit, insertRequester, randomHex } from './testing/fixtures.ts';
import { createTestDatabase, type TestDatabase } from './testing/testDatabase.ts';

const HUGE_WEI = 2n ** 256n - 1n;

describe('createDb with the embedded PGlite', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tender-pglite-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates an empty data folder, keeps data across reopen, re-migrating is a no-op, repositories work', async () => {
    const folder = await readMigrationsFolder(defaultMigrationsDir);
    const first = await createDb({ pgliteDir: dir });
    try {
      expect(first.kind).toBe('pglite');
      expect(first.migrations?.applied).toEqual(folder.migrations.map((m) => m.name));
      await first.prisma.prover.create({
        data: {
          address: '0x'.padEnd(42, 'a'),
          kind: 'gpu',
          memoryMb: 1,
          maxConstraints: 1,
          stakeWei: HUGE_WEI.toString(),
        },
      });
    } finally {
      await first.close();
    }

    const second = await createDb({ pgliteDir: dir });
    try {
      expect(second.migrations).toEqual({
        applied: [],
        skipped: folder.migrations.map((m) => m.name),
        unknown: [],
      });
      const prover = await second.prisma.prover.findUniqueOrThrow({
        where: { address: '0x'.padEnd(42, 'a') },
      });
      expect(BigInt(prover.stakeWei.toFixed())).toBe(HUGE_WEI);

      // Transactions, row locks (FOR UPDATE SKIP LOCKED, as the market's batch claim takes them)
      // and conditional updates (as its collateral lock makes them) work on the embedded database too.
      const requester = await insertRequester(second.prisma);
      const circuit = await insertCircuit(second.prisma);
      const job = await second.prisma.job.create({
        data: {
          requesterId: requester.id,
          circuitId: circuit.id,
          input: {},
          inputHash: randomHex(32),
          maxFeeWei: HUGE_WEI.toString(),
          deadline: new Date(Date.now() + 60_000),
          idempotencyKey: 'k',
          status: 'proven',
          provenAt: new Date(),
        },
      });
      const claimed = await second.prisma.$transaction(async (tx) => {
        const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
          `SELECT id::text AS id FROM jobs WHERE status = 'proven' ORDER BY proven_at LIMIT 5 FOR UPDATE SKIP LOCKED`,
        );
        await tx.job.updateMany({
          where: { id: { in: rows.map((r) => r.id) } },
          data: { status: 'batched' },
        });
        return rows.map((r) => r.id);
      });
      expect(claimed).toEqual([job.id]);
      // The prover has no collateral: a lock of 1 wei finds no row to update.
      const locked = await second.prisma.$executeRawUnsafe(
        `UPDATE provers SET collateral_locked_wei = collateral_locked_wei + 1
         WHERE id = $1::uuid AND collateral_total_wei - collateral_locked_wei >= 1`,
        prover.id,
      );
      expect(locked).toBe(0);
    } finally {
      await second.close();
    }
  });
});

describe('createDb with Postgres', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, poolSize: 1 });
  });
  afterAll(() => db?.drop());

  it('applies the migrations, then round-trips a uint256 wei amount exactly', async () => {
    const opened = await createDb({ databaseUrl: db.url, poolSize: 2 });
    try {
      expect(opened.kind).toBe('postgres');
      expect(opened.migrations?.applied.length).toBeGreaterThan(0);
      const prover = await opened.prisma.prover.create({
        data: {
          address: '0x'.padEnd(42, 'b'),
          kind: 'cpu',
          memoryMb: 1,
          maxConstraints: 1,
          stakeWei: HUGE_WEI.toString(),
        },
      });
      const read = await opened.prisma.prover.findUniqueOrThrow({ where: { id: prover.id } });
      expect(BigInt(read.stakeWei.toFixed())).toBe(HUGE_WEI);
    } finally {
      await opened.close();
    }
  });

  it('refuses to lock more collateral than a prover has, even bypassing the repositories (CHECK constraint)', async () => {
    const opened = await createDb({ databaseUrl: db.url, migrate: false, poolSize: 1 });
    try {
      const prover = await opened.prisma.prover.create({
        data: {
          address: '0x'.padEnd(42, 'c'),
          kind: 'cpu',
          memoryMb: 1,
          maxConstraints: 1,
          collateralTotalWei: '10',
        },
      });
      await expect(
        opened.prisma.prover.update({ where: { id: prover.id }, data: { collateralLockedWei: '11' } }),
      ).rejects.toThrow(/provers_collateral_check/);
    } finally {
      await opened.close();
    }
  });
});
