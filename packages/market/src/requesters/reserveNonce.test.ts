import { createTestDatabase, insertRequester, type TestDatabase } from '@tender/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reserveNonce } from './reserveNonce.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('reserveNonce', () => {
  it('hands out each nonce once, in sequence, also to concurrent callers', async () => {
    const requester = await insertRequester(db.prisma);
    const deps = { prisma: db.prisma };
    const nonces = await Promise.all(Array.from({ length: 20 }, () => reserveNonce(deps, requester.id)));
    expect([...nonces].sort((a, b) => Number(a - b))).toEqual(
      Array.from({ length: 20 }, (_, i) => BigInt(i)),
    );
    expect(await reserveNonce(deps, requester.id)).toBe(20n);
  });

  it('refuses an unknown requester', async () => {
    await expect(
      reserveNonce({ prisma: db.prisma }, '01900000-0000-7000-8000-000000000000'),
    ).rejects.toMatchObject({ code: 'TENDER_NOT_FOUND' });
  });
});
