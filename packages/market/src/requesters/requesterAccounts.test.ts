import { createTestDatabase, type TestDatabase } from '@tender/db/testing';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeyPrefix,
  authenticateApiKey,
  createRequester,
  ensureDevRequester,
  generateApiKey,
} from './requesterAccounts.ts';

let db: TestDatabase;
let now = Date.parse('2026-01-01T00:00:00Z');
const deps = () => ({ prisma: db.prisma, now: () => now });
const address = (i: number) => privateKeyToAccount(`0x${i.toString(16).padStart(64, '0')}`).address;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('requester API keys', () => {
  it('creates a requester whose key authenticates, storing only the prefix and a hash', async () => {
    const { requester, apiKey } = await createRequester(deps(), { name: 'acme', address: address(1) });
    expect(apiKey).toMatch(/^tnd_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const principal = await authenticateApiKey(deps(), apiKey);
    expect(principal).toMatchObject({
      requesterId: requester.id,
      name: 'acme',
      address: address(1).toLowerCase(),
    });
    const rows = await db.prisma.apiKey.findMany({ where: { requesterId: requester.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.prefix).toBe(apiKeyPrefix(apiKey));
    expect(JSON.stringify(rows)).not.toContain(apiKey.slice(apiKey.lastIndexOf('_') + 1));
    expect(rows[0]?.lastUsedAt?.getTime()).toBe(now);
  });

  it('refuses malformed, unknown, tampered, revoked and expired keys with TENDER_UNAUTHORIZED', async () => {
    const { apiKey } = await createRequester(deps(), { name: 'b', address: address(2) });
    const tampered = `${apiKey.slice(0, -1)}${apiKey.endsWith('A') ? 'B' : 'A'}`;
    for (const key of ['', 'Bearer', 'tnd_xyz', generateApiKey(), tampered]) {
      await expect(authenticateApiKey(deps(), key)).rejects.toMatchObject({ code: 'TENDER_UNAUTHORIZED' });
    }
    const prefix = apiKeyPrefix(apiKey) as string;
    await db.prisma.apiKey.update({ where: { prefix }, data: { expiresAt: new Date(now - 1) } });
    await expect(authenticateApiKey(deps(), apiKey)).rejects.toMatchObject({
      code: 'TENDER_UNAUTHORIZED',
      details: { reason: 'expired' },
    });
    await db.prisma.apiKey.update({ where: { prefix }, data: { expiresAt: null, revokedAt: new Date(now) } });
    await expect(authenticateApiKey(deps(), apiKey)).rejects.toMatchObject({
      details: { reason: 'revoked' },
    });
  });

  it('refuses a second requester with the same address, and an address that is not one', async () => {
    await createRequester(deps(), { name: 'c', address: address(3) });
    await expect(createRequester(deps(), { name: 'c2', address: address(3) })).rejects.toMatchObject({
      code: 'TENDER_CONFLICT',
    });
    await expect(createRequester(deps(), { name: 'd', address: '0x1234' })).rejects.toMatchObject({
      code: 'TENDER_VALIDATION_FAILED',
    });
  });

  it('ensures the development requester idempotently, re-pointing a changed key with the same prefix', async () => {
    const key = generateApiKey();
    const first = await ensureDevRequester(deps(), { apiKey: key, address: address(4), name: 'dev' });
    const again = await ensureDevRequester(deps(), { apiKey: key, address: address(4), name: 'dev' });
    expect(again.id).toBe(first.id);
    expect((await authenticateApiKey(deps(), key)).requesterId).toBe(first.id);
    const rotated = `${apiKeyPrefix(key)}_${'z'.repeat(43)}`;
    await ensureDevRequester(deps(), { apiKey: rotated, address: address(4), name: 'dev' });
    now += 120_000;
    await expect(authenticateApiKey(deps(), key)).rejects.toMatchObject({ code: 'TENDER_UNAUTHORIZED' });
    expect((await authenticateApiKey(deps(), rotated)).requesterId).toBe(first.id);
    await expect(
      ensureDevRequester(deps(), { apiKey: 'dev-key', address: address(4), name: 'dev' }),
    ).rejects.toMatchObject({ code: 'TENDER_CONFIG_INVALID' });
  });
});
