import type { JobStatus } from '@tender/core';
import {
  createTestDatabase,
  insertCircuit,
  insertRequester,
  randomHex,
  type TestDatabase,
} from '@tender/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimJobsForBatch } from './claimProvenJobs.ts';

/** Claims by age, with no failed-settlement hold. */
const claimProvenJobsForBatch = (prisma: TestDatabase['prisma'], opts: { limit: number }) =>
  claimJobsForBatch(prisma, { ...opts, holdMs: 0, now: new Date() });

let db: TestDatabase;
let insertJob: (status: JobStatus, provenAt?: Date) => Promise<string>;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 6 });
  const requester = await insertRequester(db.prisma);
  const circuit = await insertCircuit(db.prisma);
  insertJob = async (status, provenAt) =>
    (
      await db.prisma.job.create({
        data: {
          requesterId: requester.id,
          circuitId: circuit.id,
          input: {},
          inputHash: randomHex(32),
          maxFeeWei: '1',
          deadline: new Date(Date.now() + 600_000),
          status,
          provenAt: provenAt ?? null,
        },
      })
    ).id;
});
beforeEach(async () => {
  await db.prisma.batch.deleteMany();
  await db.prisma.jobEvent.deleteMany();
  await db.prisma.job.deleteMany();
});
afterAll(() => db?.drop());

describe('claimJobsForBatch', () => {
  it('takes the oldest proven jobs into a pending batch, in leaf order, and flips them to batched', async () => {
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const newest = await insertJob('proven', t(3));
    const oldest = await insertJob('proven', t(1));
    const middle = await insertJob('proven', t(2));
    await insertJob('proving');

    const claimed = await claimProvenJobsForBatch(db.prisma, { limit: 2 });

    expect(claimed!.jobs.map((j) => [j.jobId, j.leafIndex])).toEqual([
      [oldest, 0],
      [middle, 1],
    ]);
    const batch = await db.prisma.batch.findUniqueOrThrow({
      where: { id: claimed!.batchId },
      include: { items: true },
    });
    expect(batch).toMatchObject({ status: 'pending', size: 2 });
    expect(batch.items.map((i) => i.jobId).sort()).toEqual([oldest, middle].sort());
    const statuses = await db.prisma.job.findMany({ select: { id: true, status: true } });
    expect(Object.fromEntries(statuses.map((j) => [j.id, j.status]))).toMatchObject({
      [oldest]: 'batched',
      [middle]: 'batched',
      [newest]: 'proven',
    });
    expect(await db.prisma.jobEvent.count({ where: { toStatus: 'batched' } })).toBe(2);
  });

  it('returns null when no proven job is waiting', async () => {
    await insertJob('proving');
    await expect(claimProvenJobsForBatch(db.prisma, { limit: 10 })).resolves.toBeNull();
  });

  it('never gives the same job to two aggregators claiming at once', async () => {
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) => insertJob('proven', new Date(1_000 * i))),
    );

    const claims = await Promise.all(
      Array.from({ length: 4 }, () => claimProvenJobsForBatch(db.prisma, { limit: 10 })),
    );

    const taken = claims.flatMap((c) => c?.jobs.map((j) => j.jobId) ?? []);
    expect(taken).toHaveLength(30);
    expect(new Set(taken).size).toBe(30);
    expect(new Set(taken)).toEqual(new Set(ids));
    expect(await db.prisma.batchItem.count()).toBe(30);
  });
});
