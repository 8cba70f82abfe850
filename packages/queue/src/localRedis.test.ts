import { isTenderError } from '@tender/core';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, type ResolvedRedis, redact, resolveRedis, spawnRedis } from './localRedis.ts';
import { pingRedis } from './redisConnection.ts';

describe('resolveRedis', () => {
  let resolved: ResolvedRedis | undefined;
  afterEach(async () => {
    await resolved?.stop();
    resolved = undefined;
  });

  it('uses the configured URL when it answers', async () => {
    resolved = await resolveRedis('redis://127.0.0.1:6379');
    expect(resolved.source).toBe('configured');
  });

  it('fails with a readable error naming REDIS_URL when the configured Redis is unreachable', async () => {
    const port = await freePort();
    const error = await resolveRedis(`redis://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_DEPENDENCY_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/^REDIS_URL: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/);
  });

  it('falls back to the local Redis on 6379 when no URL is configured', async () => {
    resolved = await resolveRedis();
    expect(['local', 'spawned']).toContain(resolved.source);
    expect(await pingRedis(resolved.url)).toBeGreaterThanOrEqual(0);
  });

  it('starts a private redis-server on a free port and stops it without leaving it running', async () => {
    const spawned = await spawnRedis();
    expect(spawned.source).toBe('spawned');
    expect(spawned.url).not.toBe('redis://127.0.0.1:6379');
    await pingRedis(spawned.url);
    await spawned.stop();
    await expect(pingRedis(spawned.url, 300)).rejects.toThrow();
  });

  it('hides passwords in messages', () => {
    expect(redact('redis://user:secret@host:1')).toBe('redis://user:***@host:1');
  });
});
