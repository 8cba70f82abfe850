import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTenderError } from '@tender/core';
import { insertCircuit, insertRequester } from '@tender/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueWebhook } from '../jobs/webhookOutbox.ts';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { deliverWebhook, requeuePendingWebhooks, webhookSignature } from './deliverWebhook.ts';

const secret = 'test-webhook-secret';
const allow = ['127.0.0.1']; // the test's receiver listens on loopback
let h: MarketHarness;
let server: Server;
let url: string;
const received: { headers: IncomingMessage['headers']; body: string }[] = [];
const answers: number[] = [];

beforeAll(async () => {
  h = await createMarketHarness();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = answers.shift() ?? 200;
      if (status === 0) return; // never answers: the client times out
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await h?.close();
});

async function jobWithHook(webhookUrl: string | null) {
  const requester = await insertRequester(h.deps.prisma);
  const circuit = await insertCircuit(h.deps.prisma);
  return h.deps.prisma.job.create({
    data: {
      requesterId: requester.id,
      circuitId: circuit.id,
      input: {},
      inputHash: `0x${'11'.repeat(32)}`,
      maxFeeWei: '1000',
      deadline: new Date(Date.now() + 3_600_000),
      webhookUrl,
    },
  });
}

describe('webhooks', () => {
  it('posts the payload with an HMAC-SHA256 signature of the raw body and marks it delivered', async () => {
    const job = await jobWithHook(url);
    const id = await enqueueWebhook(h.deps, {
      jobId: job.id,
      event: 'job.verified',
      payload: { event: 'job.verified', jobId: job.id, status: 'verified' },
    });
    expect(await h.queues.queues.webhooks.getJob(`deliver-webhook.${id}`)).toBeDefined();
    expect(await deliverWebhook(h.deps, id!, { secret, allow })).toBe('delivered');
    const got = received.at(-1)!;
    const expected = `sha256=${createHmac('sha256', secret).update(got.body).digest('hex')}`;
    expect(got.headers['x-tender-signature']).toBe(expected);
    expect(webhookSignature(secret, got.body)).toBe(expected);
    expect(got.headers['x-tender-delivery']).toBe(id);
    expect(got.headers['x-tender-event']).toBe('job.verified');
    expect(JSON.parse(got.body)).toEqual({ event: 'job.verified', jobId: job.id, status: 'verified' });
    const row = await h.deps.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: id! } });
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });
    // Delivered once: a repeated attempt sends nothing.
    const count = received.length;
    expect(await deliverWebhook(h.deps, id!, { secret, allow })).toBe('already_delivered');
    expect(received.length).toBe(count);
  });

  it('records a failed attempt and throws so the queue retries, then fails for good on the last attempt', async () => {
    const job = await jobWithHook(url);
    const id = (await enqueueWebhook(h.deps, { jobId: job.id, event: 'job.verified', payload: { n: 1 } }))!;
    answers.push(500, 0);
    const first = await deliverWebhook(h.deps, id, { secret, allow }).catch((e: unknown) => e);
    expect(isTenderError(first, 'TENDER_WEBHOOK_FAILED')).toBe(true);
    expect(await h.deps.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
    });
    const second = await deliverWebhook(h.deps, id, {
      secret,
      allow,
      timeoutMs: 200,
      finalAttempt: true,
    }).catch((e: unknown) => e);
    expect(isTenderError(second, 'TENDER_WEBHOOK_FAILED')).toBe(true);
    expect(await h.deps.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'timed out',
    });
  });

  it('stores nothing for a job without a webhook URL and re-queues pending deliveries', async () => {
    const job = await jobWithHook(null);
    expect(await enqueueWebhook(h.deps, { jobId: job.id, event: 'job.verified', payload: {} })).toBeNull();
    await h.queues.queues.webhooks.obliterate({ force: true });
    const pending = await h.deps.prisma.webhookDelivery.count({ where: { status: 'pending' } });
    expect(await requeuePendingWebhooks(h.deps)).toBe(pending);
    expect(await h.queues.queues.webhooks.count()).toBe(pending);
  });
});
