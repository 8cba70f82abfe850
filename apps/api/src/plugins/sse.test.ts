import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainFor, devAccounts } from '@tender/chain';
import { channels } from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { eventStreamListeners } from './sse.ts';

// Many clients opening and dropping event streams must not leave Redis connections,
// subscriptions or listeners behind (issue 11: 300 aborted streams left 225 connections).

let h: MarketHarness;
let redis: Redis;
let artifactsDir: string;
let app: FastifyInstance;
let url: string;
const connectionName = `sse-test-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  h = await createMarketHarness();
  redis = h.redis.duplicate({ connectionName });
  artifactsDir = await mkdtemp(join(tmpdir(), 'tender-sse-test-'));
  app = await buildApp({
    checks: {},
    context: {
      market: h.deps,
      redis,
      redisPrefix: h.redisPrefix,
      artifactsDir,
      operator: createWalletClient({
        account: privateKeyToAccount(devAccounts.operator.privateKey),
        chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
        transport: http(h.anvil.rpcUrl),
      }),
      sessionSecret: 'sse-test-secret',
      publicUrl: 'http://127.0.0.1',
    },
  });
  url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/v1/operator/events`;
}, 120_000);

afterAll(async () => {
  await app?.close();
  redis?.disconnect();
  await h?.close();
  if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
});

/** Redis connections this api opened (they all carry the test's connection name). */
async function connections(): Promise<number> {
  const list = (await h.redis.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((l) => l.includes(` name=${connectionName} `)).length;
}

async function subscribers(): Promise<number> {
  const [, n] = (await h.redis.pubsub('NUMSUB', channels.operator(h.redisPrefix))) as [string, number];
  return Number(n);
}

describe('server-sent events', () => {
  it('serves every open stream from one shared Redis subscriber', async () => {
    const baseline = await connections();
    const open = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const abort = new AbortController();
        const res = await fetch(url, { signal: abort.signal });
        expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
        const reader = res.body!.getReader();
        await reader.read(); // ': connected'
        return { abort, reader };
      }),
    );
    expect(eventStreamListeners(app)).toBe(20);
    expect(await subscribers()).toBe(1);
    expect(await connections()).toBeLessThanOrEqual(baseline + 1);
    for (const { abort } of open) abort.abort();
    await expect.poll(() => eventStreamListeners(app), { timeout: 10_000 }).toBe(0);
    await expect.poll(subscribers, { timeout: 10_000 }).toBe(0);
  });

  it('releases every subscription and connection after 300 streams aborted at random moments', async () => {
    const before = await connections();
    await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const abort = new AbortController();
        setTimeout(() => abort.abort(), i % 3 === 0 ? 0 : i % 17);
        try {
          const res = await fetch(url, { signal: abort.signal });
          await res.body?.getReader().read();
        } catch {
          // aborted before or after the answer: both are what a flaky client does
        }
      }),
    );
    await expect.poll(() => eventStreamListeners(app), { timeout: 20_000 }).toBe(0);
    await expect.poll(subscribers, { timeout: 20_000 }).toBe(0);
    await expect.poll(connections, { timeout: 20_000 }).toBeLessThanOrEqual(Math.max(before, 2));
    console.log(`300 aborted streams: Redis connections ${before} before, ${await connections()} after`);
  });
});
