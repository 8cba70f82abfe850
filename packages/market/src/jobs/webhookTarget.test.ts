import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTenderError } from '@tender/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookUrl, isNonPublicAddress, postWebhook } from './webhookTarget.ts';

// The SSRF guard of webhooks, against a real HTTP server on loopback.

let server: Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/internal-admin` }).end();
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 5_000).unref();
    } else if (req.url === '/huge') {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 97);
      let sent = 0;
      const pump = () => {
        while (sent < 256 && res.write(chunk)) sent++;
        if (sent < 256) res.once('drain', pump);
        else res.end();
      };
      pump();
    } else {
      res.end('ok');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const post = (url: string, allow: string[] = [], extra: Partial<Parameters<typeof postWebhook>[1]> = {}) =>
  postWebhook(url, {
    headers: { 'content-type': 'application/json' },
    body: '{}',
    allow,
    timeoutMs: 2_000,
    ...extra,
  });

async function refused(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isTenderError(error, 'TENDER_WEBHOOK_URL_FORBIDDEN'), String(error)).toBe(true);
}

describe('webhook targets', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.31.0.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:a9fe:a9fe', true],
    ['8.8.8.8', false],
    ['2606:4700:4700::1111', false],
    ['::ffff:8.8.8.8', false],
  ])('classifies %s as non-public: %s', (address, expected) => {
    expect(isNonPublicAddress(address)).toBe(expected);
  });

  it('refuses at submission what the attack used: loopback, Redis, cloud metadata, IPv6 loopback, localhost, other schemes', async () => {
    for (const url of [
      `http://127.0.0.1:${port}/internal-admin`,
      'http://127.0.0.1:6379/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:5432/',
      'http://[::ffff:127.0.0.1]/',
      'http://localhost/',
      'http://0x7f000001/',
      'ftp://example.com/hook',
      'http://user:pw@example.com/',
    ])
      await refused(checkWebhookUrl(url, []));
    await checkWebhookUrl(`http://127.0.0.1:${port}/hook`, ['127.0.0.1']);
    await checkWebhookUrl('http://hooks.internal/x', ['10.0.0.0/8'], async () => [
      { address: '10.9.8.7', family: 4 },
    ]);
  });

  it('delivers to an allowed local server and sends nothing to one that is not allowed', async () => {
    hits.length = 0;
    await refused(post(`http://127.0.0.1:${port}/internal-admin`));
    expect(hits).toEqual([]);
    expect(await post(`http://127.0.0.1:${port}/hook`, ['127.0.0.1'])).toBe(200);
    expect(hits).toEqual(['/hook']);
  });

  it('checks the address it connects to: a name that resolves to loopback at delivery is refused (DNS rebinding)', async () => {
    hits.length = 0;
    let calls = 0;
    // public at submission, loopback at delivery
    const rebinding = async () => [{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    await checkWebhookUrl(`http://rebind.example:${port}/x`, [], rebinding);
    await refused(post(`http://rebind.example:${port}/x`, [], { resolve: rebinding }));
    expect(hits).toEqual([]);
  });

  it('follows no redirect, gives up after its timeout and reads a bounded answer', async () => {
    hits.length = 0;
    expect(await post(`http://127.0.0.1:${port}/redirect`, ['127.0.0.1'])).toBe(302);
    expect(hits).toEqual(['/redirect']);
    const slow = await post(`http://127.0.0.1:${port}/slow`, ['127.0.0.1'], { timeoutMs: 300 }).catch(
      (e: Error) => e,
    );
    expect((slow as Error).name).toBe('TimeoutError');
    const started = Date.now();
    expect(await post(`http://127.0.0.1:${port}/huge`, ['127.0.0.1'], { maxResponseBytes: 1024 })).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
