import { isTenderError } from '@tender/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCircuit, insertRequester, randomHex } from '../testing/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';
import { createJob } from './createJob.ts';
import { transitionJob } from './transitionJob.ts';

let db: TestDatabase;
let newJob: () => Promise<string>;

beforeAll(async () => {
  db = await createTestDatabase();
  const requester = await insertRequester(db.prisma);
  const circuit = await insertCircuit(db.prisma);
  newJob = async () =>
    (
      await createJob(db.prisma, {
        requesterId: requester.id,
        circuitId: circuit.id,
        input: {},
        inputHash: randomHex(32),
        maxFeeWei: 1n,
        deadline: new Date(Date.now() + 60_000),
      })
    ).job.id;
});
afterAll(() => db?.drop());

describe('transitionJob', () => {
  it('moves a job that is still in the expected status and logs the change', async () => {
    const jobId = await newJob();

    const job = await transitionJob(db.prisma, {
      jobId,
      from: 'submitted',
      to: 'auctioning',
      data: { auction: 1 },
    });

    expect(job).toMatchObject({ id: jobId, status: 'auctioning', round: 1 });
    const events = await db.prisma.jobEvent.findMany({ where: { jobId }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.fromStatus, e.toStatus, e.round])).toEqual([
      [null, 'submitted', 0],
      ['submitted', 'auctioning', 1],
    ]);
    expect(events[1]!.data).toEqual({ auction: 1 });
  });

  it('returns null and changes nothing when the job has moved on', async () => {
    const jobId = await newJob();

    const result = await transitionJob(db.prisma, { jobId, from: 'proving', to: 'proven' });

    expect(result).toBeNull();
    expect(await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({
      status: 'submitted',
    });
    expect(await db.prisma.jobEvent.count({ where: { jobId } })).toBe(1);
  });

  it('lets exactly one of two racing callers win', async () => {
    const jobId = await newJob();

    const results = await Promise.all([
      transitionJob(db.prisma, { jobId, from: 'submitted', to: 'auctioning' }),
      transitionJob(db.prisma, { jobId, from: 'submitted', to: 'rejected', reason: 'bad input' }),
    ]);

    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await db.prisma.jobEvent.count({ where: { jobId } })).toBe(2);
  });

  it('starts a new round on re-auction, stamps proven time and keeps the reason', async () => {
    const jobId = await newJob();
    const provenAt = new Date('2026-01-01T00:00:00Z');
    await transitionJob(db.prisma, { jobId, from: 'submitted', to: 'auctioning' });
    await transitionJob(db.prisma, { jobId, from: 'auctioning', to: 'assigned' });
    const reauction = await transitionJob(db.prisma, {
      jobId,
      from: 'assigned',
      to: 'auctioning',
      reason: 'deadline missed',
    });
    await transitionJob(db.prisma, { jobId, from: 'auctioning', to: 'assigned' });
    await transitionJob(db.prisma, { jobId, from: 'assigned', to: 'proving' });
    const proven = await transitionJob(db.prisma, { jobId, from: 'proving', to: 'proven', now: provenAt });

    expect(reauction).toMatchObject({ round: 2, statusReason: 'deadline missed' });
    expect(proven).toMatchObject({ status: 'proven', round: 2, provenAt });
  });

  it('reports a job that does not exist', async () => {
    const error = await transitionJob(db.prisma, {
      jobId: '00000000-0000-7000-8000-000000000000',
      from: 'submitted',
      to: 'auctioning',
    }).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_JOB_NOT_FOUND')).toBe(true);
  });
});
