import { isTenderError } from '@tender/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Circuit, Requester } from '../generated/prisma/client.ts';
import { insertCircuit, insertRequester, randomHex } from '../testing/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';
import { createJob, type NewJob } from './createJob.ts';

let db: TestDatabase;
let requester: Requester;
let circuit: Circuit;

beforeAll(async () => {
  db = await createTestDatabase();
  requester = await insertRequester(db.prisma);
  circuit = await insertCircuit(db.prisma);
});
afterAll(() => db?.drop());

function submission(overrides: Partial<NewJob> = {}): NewJob {
  return {
    requesterId: requester.id,
    circuitId: circuit.id,
    input: { in: ['1', '2'] },
    inputHash: randomHex(32),
    maxFeeWei: 10n ** 30n + 7n,
    deadline: new Date(Date.now() + 600_000),
    ...overrides,
  };
}

describe('createJob', () => {
  it('stores a submitted job in round 0 with its first event, keeping wei exact', async () => {
    const { job, created } = await createJob(
      db.prisma,
      submission({ webhookUrl: 'https://example.test/hook' }),
    );

    expect(created).toBe(true);
    expect(job).toMatchObject({ status: 'submitted', round: 0, maxFeeWei: 10n ** 30n + 7n });
    const events = await db.prisma.jobEvent.findMany({ where: { jobId: job.id } });
    expect(events).toMatchObject([{ fromStatus: null, toStatus: 'submitted', round: 0 }]);
  });

  it('returns the existing job when the same idempotency key is replayed', async () => {
    const first = submission({ idempotencyKey: 'replay-1' });
    const original = await createJob(db.prisma, first);

    const replay = await createJob(db.prisma, { ...first, deadline: new Date(Date.now() + 900_000) });

    expect(replay.created).toBe(false);
    expect(replay.job.id).toBe(original.job.id);
    expect(await db.prisma.job.count({ where: { idempotencyKey: 'replay-1' } })).toBe(1);
    expect(await db.prisma.jobEvent.count({ where: { jobId: original.job.id } })).toBe(1);
  });

  it('creates exactly one job when the same idempotency key arrives concurrently', async () => {
    const twin = submission({ idempotencyKey: 'concurrent-1' });

    const results = await Promise.all(Array.from({ length: 5 }, () => createJob(db.prisma, twin)));

    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(await db.prisma.job.count({ where: { idempotencyKey: 'concurrent-1' } })).toBe(1);
  });

  it('refuses a replayed idempotency key carrying a different submission', async () => {
    await createJob(db.prisma, submission({ idempotencyKey: 'conflict-1' }));

    const error = await createJob(db.prisma, submission({ idempotencyKey: 'conflict-1' })).catch(
      (e: unknown) => e,
    );

    expect(isTenderError(error, 'TENDER_IDEMPOTENCY_CONFLICT')).toBe(true);
  });

  it('scopes idempotency keys to the requester', async () => {
    const other = await insertRequester(db.prisma, 'other');
    const mine = await createJob(db.prisma, submission({ idempotencyKey: 'shared-key' }));

    const theirs = await createJob(
      db.prisma,
      submission({ requesterId: other.id, idempotencyKey: 'shared-key' }),
    );

    expect(theirs.created).toBe(true);
    expect(theirs.job.id).not.toBe(mine.job.id);
  });
});
