import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TenderError } from '@tender/core';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

// Every 4xx/5xx the api answers — its own and the framework's, before any handler
// runs — is problem+json with a stable TENDER_* code; 5xx carry a log id and nothing else.

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function built(): Promise<FastifyInstance> {
  app = await buildApp({ checks: {} });
  app.get('/echo/:id', async (request) => request.params);
  app.post('/echo', { schema: { body: { type: 'object' } } }, async (request) => request.body);
  app.get('/vkey', async () => {
    throw new TenderError('TENDER_PTAU_MISMATCH', 'cannot read /srv/secret/vkey.json', {
      details: { vkeyPath: '/srv/secret/vkey.json' },
    });
  });
  return app;
}

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = JSON.parse(res.body);
  expect(body.status).toBe(res.statusCode);
  expect(body.code).toMatch(/^TENDER_[A-Z_]+$/);
  return body;
}

/** Raw HTTP/1.1 over a real socket, for what inject() cannot send (oversized headers). */
async function raw(
  api: FastifyInstance,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }> {
  await api.listen({ port: 0, host: '127.0.0.1' });
  const { port } = api.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('problem+json for every error', () => {
  it('answers a URL with bad percent-encoding with 400 problem+json', async () => {
    const api = await built();
    const res = await api.inject({ method: 'GET', url: '/echo/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(expectProblem(res).code).toBe('TENDER_VALIDATION_FAILED');
  });

  it('answers a path parameter over the length limit with 414 problem+json', async () => {
    const api = await built();
    const res = await api.inject({ method: 'GET', url: `/echo/${'a'.repeat(500)}` });
    expect(res.statusCode).toBe(414);
    expect(expectProblem(res).code).toBe('TENDER_URI_TOO_LONG');
  });

  it('answers oversized request headers with 431 problem+json', async () => {
    const api = await built();
    const res = await raw(api, '/health', { 'x-big': 'a'.repeat(40_000) });
    expect(res.statusCode).toBe(431);
    expect(expectProblem(res).code).toBe('TENDER_HEADERS_TOO_LARGE');
  });

  it('answers malformed JSON, an unsupported media type and an oversized body with problem+json', async () => {
    const api = await built();
    const json = await api.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(json.statusCode).toBe(400);
    expect(expectProblem(json).code).toBe('TENDER_VALIDATION_FAILED');
    const media = await api.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'text/x-unknown' },
      payload: 'x',
    });
    expect(media.statusCode).toBe(415);
    expect(expectProblem(media).code).toBe('TENDER_UNSUPPORTED_MEDIA_TYPE');
    const big = await api.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ a: 'x'.repeat(2 * 2 ** 20) }),
    });
    expect(big.statusCode).toBe(413);
    expect(expectProblem(big).code).toBe('TENDER_PAYLOAD_TOO_LARGE');
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const api = await built();
    const res = await api.inject({ method: 'DELETE', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(expectProblem(res).code).toBe('TENDER_NOT_FOUND');
  });

  it('answers a 5xx TenderError with its code, a generic message and a log id, never its message or details', async () => {
    const api = await built();
    const res = await api.inject({ method: 'GET', url: '/vkey' });
    expect(res.statusCode).toBe(500);
    const body = expectProblem(res);
    expect(body.code).toBe('TENDER_PTAU_MISMATCH');
    expect(res.body).not.toContain('/srv/secret');
    expect(body.details).toBeUndefined();
    expect(typeof body.logId).toBe('string');
    expect(body.logId.length).toBeGreaterThan(0);
  });
});
