import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '@tender/config';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { openapiDocument } from './openapiDocument.ts';

type Node = Record<string, unknown>;

/** `METHOD path: field` for every property under `node` that has no description (and is no $ref). */
function undescribed(node: unknown, where: string, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) undescribed(item, where, out);
  else if (node !== null && typeof node === 'object') {
    const props = (node as Node).properties;
    if (props !== null && typeof props === 'object') {
      for (const [key, value] of Object.entries(props as Node)) {
        const v = value as Node;
        if (!('description' in v) && !('$ref' in v)) out.push(`${where}: ${key}`);
      }
    }
    for (const value of Object.values(node as Node)) undescribed(value, where, out);
  }
  return out;
}

describe('the OpenAPI document', () => {
  it('is checked in as docs/openapi.json exactly as the routes generate it (npm run openapi rewrites it)', async () => {
    const generated = await openapiDocument();
    const checkedIn = JSON.parse(await readFile(join(repoRoot(), 'docs/openapi.json'), 'utf8')) as unknown;
    expect(checkedIn, 'docs/openapi.json is stale: run npm run openapi').toEqual(generated);
  });

  it('marks requestSignature required on POST /v1/jobs', async () => {
    const spec = (await openapiDocument()) as {
      paths: Record<
        string,
        Record<string, { requestBody: { content: Record<string, { schema: { required: string[] } }> } }>
      >;
    };
    const body = spec.paths['/v1/jobs']!.post!.requestBody.content['application/json']!.schema;
    expect(body.required).toContain('requestSignature');
  });

  it('describes every field of the requester-facing routes (jobs, circuits, requesters, market)', async () => {
    const spec = (await openapiDocument()) as { paths: Record<string, Record<string, unknown>> };
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(spec.paths)) {
      if (!/^\/v1\/(jobs|circuits|requesters|market)/.test(path)) continue;
      for (const [method, operation] of Object.entries(operations)) {
        undescribed(operation, `${method.toUpperCase()} ${path}`, missing);
      }
    }
    expect(missing).toEqual([]);
  });

  it('serves Swagger UI at /docs over the same document', async () => {
    const app = await buildApp({ checks: {} });
    try {
      const page = await app.inject({ method: 'GET', url: '/docs/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toMatch(/swagger-ui/i);
      const json = await app.inject({ method: 'GET', url: '/docs/json' });
      expect(json.statusCode).toBe(200);
      expect(json.json()).toMatchObject({ openapi: expect.stringMatching(/^3\./) });
    } finally {
      await app.close();
    }
  });
});
