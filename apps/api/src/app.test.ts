import { TenderError } from '@tender/core';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';

describe('api app', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it('reports every dependency with its latency and answers 200 when all are up', async () => {
    app = await buildApp({ checks: { database: async () => {}, redis: async () => 'PONG' } });
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(body.dependencies.database.ok).toBe(true);
    expect(typeof body.dependencies.redis.latencyMs).toBe('number');
  });

  it('answers 503 naming the dependency that is down', async () => {
    app = await buildApp({
      checks: {
        database: async () => {},
        chain: async () => {
          throw new Error('connection refused');
        },
      },
    });
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json().dependencies.chain).toMatchObject({ ok: false, detail: 'connection refused' });
  });

  it('answers unknown routes with problem+json and a stable code', async () => {
    app = await buildApp({ checks: {} });
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'TENDER_NOT_FOUND' });
  });

  it('maps TenderErrors to their status and hides internals of unexpected errors', async () => {
    app = await buildApp({ checks: {} });
    app.get('/boom', async () => {
      throw new Error('secret stack detail');
    });
    app.get('/conflict', async () => {
      throw new TenderError('TENDER_CONFLICT', 'already there', { details: { id: 'x' } });
    });
    const boom = await app.inject({ method: 'GET', url: '/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('secret');
    expect(boom.json().code).toBe('TENDER_INTERNAL');
    const conflict = await app.inject({ method: 'GET', url: '/conflict' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ code: 'TENDER_CONFLICT', details: { id: 'x' } });
  });

  it('publishes an OpenAPI document generated from the route schemas', async () => {
    app = await buildApp({ checks: {} });
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.json().paths['/health']).toBeDefined();
  });
});
