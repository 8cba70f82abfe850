import { createRedisConnection } from '@tender/queue';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

// Limits: 2,000 requests at 50 in flight all answered 200 with no rate-limit headers (issue 11).

let redis: Redis;
let app: FastifyInstance | undefined;
const prefix = `tender-limits-test-${process.pid}-${Date.now()}:`;

beforeAll(() => {
  redis = createRedisConnection('redis://127.0.0.1:6379');
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('api limits', () => {
  it('answers 429 problem+json with Retry-After past the limit, counting each API key and address apart', async () => {
    app = await buildApp(
      { checks: {} },
      { limits: { rateLimit: { redis, prefix, max: 3, windowMs: 60_000 } } },
    );
    const get = (headers: Record<string, string> = {}) =>
      app!.inject({ method: 'GET', url: '/health', headers });
    for (let i = 0; i < 3; i++) {
      const ok = await get({ authorization: 'Bearer tnd_a_one' });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-ratelimit-limit']).toBe('3');
    }
    const limited = await get({ authorization: 'Bearer tnd_a_one' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({ status: 429, code: 'TENDER_RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get({ authorization: 'Bearer tnd_b_two' })).statusCode).toBe(200);
    expect((await get()).statusCode).toBe(200);
    expect(await redis.keys(`${prefix}ratelimit:*`)).not.toHaveLength(0);
  });

  it('sends security headers', async () => {
    app = await buildApp({ checks: {} });
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
  });

  it('answers 503 problem+json with Retry-After while the event loop lags', async () => {
    app = await buildApp({ checks: {} }, { limits: { maxEventLoopDelayMs: 20, sampleIntervalMs: 5 } });
    await app.ready();
    let res = await app.inject({ method: 'GET', url: '/health' });
    for (let attempt = 0; attempt < 20 && res.statusCode !== 503; attempt++) {
      const until = Date.now() + 300;
      while (Date.now() < until) {
        // block the event loop
      }
      await new Promise((r) => setTimeout(r, 10));
      res = await app.inject({ method: 'GET', url: '/health' });
    }
    expect(res.statusCode, res.body).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'TENDER_OVERLOADED' });
    expect(res.headers['retry-after']).toBe('5');
  });
});
