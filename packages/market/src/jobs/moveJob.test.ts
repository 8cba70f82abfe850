import { isTenderError, type JobEvent, transitionJob as nextStatus } from '@tender/core';
import type { JobStatus, Prisma } from '@tender/db';
import {
  createTestDatabase,
  insertCircuit,
  insertRequester,
  randomHex,
  type TestDatabase,
} from '@tender/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveJob } from './moveJob.ts';

let db: TestDatabase;
let newJob: () => Promise<string>;

beforeAll(async () => {
  db = await createTestDatabase();
  const requester = await insertRequester(db.prisma);
  const circuit = await insertCircuit(db.prisma);
  newJob = async () => {
    const job = await db.prisma.job.create({
      data: {
        requesterId: requester.id,
        circuitId: circuit.id,
        input: {},
        inputHash: randomHex(32),
        maxFeeWei: '1',
        deadline: new Date(Date.now() + 60_000),
      },
    });
    await db.prisma.jobEvent.create({
      data: { jobId: job.id, fromStatus: null, toStatus: 'submitted', round: 0 },
    });
    return job.id;
  };
});

/** One move in its own transaction, as a stage's caller would make it. */
function transitionJob(
  prisma: TestDatabase['prisma'],
  move: {
    jobId: string;
    from: JobStatus;
    event: JobEvent;
    reason?: string;
    data?: Prisma.InputJsonValue;
    now?: Date;
  },
) {
  return prisma.$transaction((tx) =>
    moveJob(tx, {
      jobId: move.jobId,
      from: move.from,
      event: move.event,
      now: move.now ?? new Date(),
      ...(move.reason === undefined ? {} : { reason: move.reason }),
      ...(move.data === undefined ? {} : { data: move.data }),
    }),
  );
}
afterAll(() => db?.drop());

describe('moveJob', () => {
  it('moves a job that is still in the expected status and logs the change', async () => {
    const jobId = await newJob();

    const job = await transitionJob(db.prisma, {
      jobId,
      from: 'submitted',
      event: 'auction_opened',
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

    const result = await transitionJob(db.prisma, { jobId, from: 'proving', event: 'proof_accepted' });

    expect(result).toBeNull();
    expect(await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({
      status: 'submitted',
    });
    expect(await db.prisma.jobEvent.count({ where: { jobId } })).toBe(1);
  });

  it('takes the new status from core and refuses an illegal move, changing nothing', async () => {
    const jobId = await newJob();
    expect(nextStatus('submitted', 'auction_opened')).toBe('auctioning');
    const error = await transitionJob(db.prisma, {
      jobId,
      from: 'submitted',
      event: 'batch_confirmed',
    }).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_ILLEGAL_TRANSITION')).toBe(true);
    expect(await db.prisma.jobEvent.count({ where: { jobId } })).toBe(1);
  });

  it('lets exactly one of two racing callers win', async () => {
    const jobId = await newJob();

    const results = await Promise.all([
      transitionJob(db.prisma, { jobId, from: 'submitted', event: 'auction_opened' }),
      transitionJob(db.prisma, { jobId, from: 'submitted', event: 'input_rejected', reason: 'bad input' }),
    ]);

    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await db.prisma.jobEvent.count({ where: { jobId } })).toBe(2);
  });

  it('starts a new round on re-auction, stamps proven time and keeps the reason', async () => {
    const jobId = await newJob();
    const provenAt = new Date('2026-01-01T00:00:00Z');
    await transitionJob(db.prisma, { jobId, from: 'submitted', event: 'auction_opened' });
    await transitionJob(db.prisma, { jobId, from: 'auctioning', event: 'bid_awarded' });
    const reauction = await transitionJob(db.prisma, {
      jobId,
      from: 'assigned',
      event: 'deadline_missed',
      reason: 'deadline missed',
    });
    await transitionJob(db.prisma, { jobId, from: 'auctioning', event: 'bid_awarded' });
    await transitionJob(db.prisma, { jobId, from: 'assigned', event: 'proving_started' });
    const proven = await transitionJob(db.prisma, {
      jobId,
      from: 'proving',
      event: 'proof_accepted',
      now: provenAt,
    });

    expect(reauction).toMatchObject({ round: 2, statusReason: 'deadline missed' });
    expect(proven).toMatchObject({ status: 'proven', round: 2, provenAt });
  });

  it('reports a job that does not exist', async () => {
    const error = await transitionJob(db.prisma, {
      jobId: '00000000-0000-7000-8000-000000000000',
      from: 'submitted',
      event: 'auction_opened',
    }).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_JOB_NOT_FOUND')).toBe(true);
  });
});
