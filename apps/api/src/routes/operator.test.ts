import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainFor, devAccounts } from '@tender/chain';
import { insertProver } from '@tender/db/testing';
import type { OperatorEvent } from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import type { FastifyInstance } from 'fastify';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { ApiContext } from '../context.ts';

let h: MarketHarness;
let artifactsDir: string;
let context: ApiContext;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  h = await createMarketHarness();
  artifactsDir = await mkdtemp(join(tmpdir(), 'tender-operator-test-'));
  context = {
    market: h.deps,
    redis: h.redis,
    redisPrefix: h.redisPrefix,
    artifactsDir,
    operator: createWalletClient({
      account: privateKeyToAccount(devAccounts.operator.privateKey),
      chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
      transport: http(h.anvil.rpcUrl),
    }),
    sessionSecret: 'operator-test-secret',
    publicUrl: 'http://127.0.0.1',
  };
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await h.close();
  await rm(artifactsDir, { recursive: true, force: true });
});

async function app(overrides: Partial<ApiContext> = {}): Promise<FastifyInstance> {
  const built = await buildApp({ checks: {}, context: { ...context, ...overrides } });
  apps.push(built);
  return built;
}

describe('operator api', () => {
  it('answers the overview from Postgres, schema-shaped, to a loopback client when no token is set', async () => {
    const api = await app();
    const prover = await insertProver(h.deps.prisma);
    const res = await api.inject({ method: 'GET', url: '/v1/operator/overview' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.provers.total).toBe(1);
    expect(body.provers.list[0]).toMatchObject({ address: prover.address, alive: true, stakeWei: '0' });
    expect(body.jobs.byStatus.verified).toBe(0);
    expect(body.money.escrowSettledWei).toBe('0');
  });

  it('refuses a non-loopback or proxied client while no token is configured', async () => {
    const api = await app();
    const remote = await api.inject({
      method: 'GET',
      url: '/v1/operator/overview',
      remoteAddress: '10.1.2.3',
    });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().code).toBe('TENDER_FORBIDDEN');
    const proxied = await api.inject({
      method: 'GET',
      url: '/metrics',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxied.statusCode).toBe(403);
  });

  it('refuses a loopback connection carrying any proxy header while no proxy is trusted', async () => {
    const api = await app();
    for (const headers of [
      { forwarded: 'for=1.2.3.4' },
      { 'x-real-ip': '1.2.3.4' },
      { 'x-forwarded-for': '1.2.3.4' },
    ]) {
      for (const url of ['/v1/operator/overview', '/metrics', '/v1/operator/events']) {
        const res = await api.inject({ method: 'GET', url, headers });
        expect(res.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(403);
        expect(res.json().code).toBe('TENDER_FORBIDDEN');
      }
    }
  });

  it('takes the client address from a trusted proxy only (TRUST_PROXY)', async () => {
    const api = await buildApp({ checks: {}, context }, { trustProxy: '127.0.0.1' });
    apps.push(api);
    const remote = await api.inject({
      method: 'GET',
      url: '/v1/operator/overview',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(remote.statusCode).toBe(403);
    const local = await api.inject({
      method: 'GET',
      url: '/v1/operator/overview',
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });
    expect(local.statusCode).toBe(200);
    const spoofed = await api.inject({
      method: 'GET',
      url: '/v1/operator/overview',
      remoteAddress: '10.1.2.3',
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });
    expect(spoofed.statusCode).toBe(403);
  });

  it('requires the bearer token when one is configured, in the header or as access_token', async () => {
    const api = await app({ operatorToken: 'sekret-token' });
    const none = await api.inject({ method: 'GET', url: '/v1/operator/overview' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.json().code).toBe('TENDER_UNAUTHORIZED');
    const wrong = await api.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer sekret-tokeN' },
    });
    expect(wrong.statusCode).toBe(401);
    const header = await api.inject({
      method: 'GET',
      url: '/v1/operator/overview',
      remoteAddress: '10.1.2.3',
      headers: { authorization: 'Bearer sekret-token' },
    });
    expect(header.statusCode).toBe(200);
    const query = await api.inject({ method: 'GET', url: '/metrics?access_token=sekret-token' });
    expect(query.statusCode).toBe(200);
  });

  it('streams operator events published on Redis as server-sent events, with pings', async () => {
    const { createOperatorRoutes } = await import('./operator.ts');
    const api = await app();
    // an app with only the operator routes, pinging every 50 ms
    const fast = await buildApp({ checks: {} });
    apps.push(fast);
    await createOperatorRoutes({ pingMs: 50 })(fast, context);
    for (const server of [api, fast]) await server.listen({ port: 0, host: '127.0.0.1' });
    const url = (server: FastifyInstance) => {
      const address = server.server.address();
      if (address === null || typeof address === 'string') throw new Error('not listening');
      return `http://127.0.0.1:${address.port}/v1/operator/events`;
    };

    const controller = new AbortController();
    const res = await fetch(url(api), { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await until(/: connected\n\n/);
    const event: OperatorEvent = { type: 'job', at: 1, id: 'job-1', status: 'proven' };
    await h.events.operator(event);
    await until(/data: .*\n\n/);
    const data = /data: (.*)\n\n/.exec(text)?.[1];
    expect(JSON.parse(data!)).toEqual(event);
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const metrics = await api.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).not.toContain('route="/v1/operator/events"');

    const fastRes = await fetch(url(fast));
    const fastReader = fastRes.body!.getReader();
    let fastText = '';
    while (!fastText.includes(': ping')) {
      const { value } = await fastReader.read();
      fastText += decoder.decode(value);
    }
    // closing the app ends open streams instead of waiting for them
    await fast.close();
    for (;;) if ((await fastReader.read()).done) break;
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with market gauges and request metrics by route template', async () => {
    const api = await app();
    await api.inject({ method: 'GET', url: '/v1/operator/overview' });
    await api.inject({ method: 'GET', url: '/v1/nope/123' });
    const res = await api.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = res.body.trimEnd().split('\n');
    const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? \S+$/;
    for (const line of lines) expect(line.startsWith('# ') || sample.test(line), line).toBe(true);
    expect(lines).toContain('# TYPE tender_jobs gauge');
    expect(lines.some((l) => /^tender_provers_alive \d+$/.test(l))).toBe(true);
    expect(lines).toContain(
      'tender_http_requests_total{method="GET",route="/v1/operator/overview",status_code="200"} 1',
    );
    expect(lines).toContain('tender_http_requests_total{method="GET",route="unmatched",status_code="404"} 1');
    expect(lines).toContain(
      'tender_http_request_duration_seconds_count{method="GET",route="/v1/operator/overview"} 1',
    );
    expect(lines.some((l) => l.startsWith('tender_process_resident_memory_bytes '))).toBe(true);
  });
});

describe('dashboard files', () => {
  it('redirects / to /dashboard/ and serves the page with a self-only CSP', async () => {
    const api = await app();
    const root = await api.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/dashboard/');
    const bare = await api.inject({ method: 'GET', url: '/dashboard' });
    expect(bare.statusCode).toBe(301);
    const page = await api.inject({ method: 'GET', url: '/dashboard/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).toContain('data-metric="jobs-total"');
    const script = await api.inject({ method: 'GET', url: '/dashboard/app.js' });
    expect(script.headers['content-type']).toContain('javascript');
  });

  it('documents the operator routes and /metrics in OpenAPI, and hides the static files', async () => {
    const api = await app();
    const openapiRes = await api.inject({ method: 'GET', url: '/openapi.json' });
    expect(openapiRes.statusCode, openapiRes.body).toBe(200);
    const openapi = openapiRes.json();
    expect(openapi.paths['/v1/operator/overview']).toBeDefined();
    expect(openapi.paths['/dashboard/*']).toBeUndefined();
    expect(openapi.paths['/v1/operator/events']).toBeDefined();
    expect(openapi.paths['/metrics']).toBeDefined();
    // Every bearer scheme a route refers to is declared (an undeclared one makes /openapi.json fail).
    expect(Object.keys(openapi.components.securitySchemes).sort()).toEqual([
      'operatorToken',
      'proverSession',
      'requesterApiKey',
    ]);
    expect(openapi.paths['/v1/provers/session']).toBeDefined();
  });
});
