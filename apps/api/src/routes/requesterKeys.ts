import { createApiKey, listApiKeys, revokeApiKey } from '@tender/market';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import { requesterAuth, requesterOf } from '../plugins/requesterAuth.ts';

const problem = { $ref: 'Problem#' } as const;

const scopes = {
  type: 'array',
  minItems: 1,
  maxItems: 2,
  uniqueItems: true,
  items: { type: 'string', enum: ['submit', 'read'] },
  description:
    '`read`: GET routes (jobs, circuits, the requester). `submit`: POST /v1/jobs, DELETE /v1/jobs/:id, ' +
    'POST /v1/requesters/me/nonces, POST /v1/circuits. Managing keys needs both (or a session token).',
} as const;

const keyFields = {
  id: { type: 'string', format: 'uuid', description: "The key's id (for DELETE); not the key." },
  name: { type: 'string', description: 'Your label for the key.' },
  scopes,
  createdAt: { type: 'string', format: 'date-time', description: 'ISO 8601 time (UTC).' },
} as const;

const keyView = {
  type: 'object',
  required: ['id', 'name', 'scopes', 'createdAt', 'lastUsedAt', 'revokedAt'],
  properties: {
    ...keyFields,
    lastUsedAt: {
      anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
      description: 'Last authenticated use (recorded at most once a minute); null if never used.',
    },
    revokedAt: {
      anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
      description: 'When it was revoked (it no longer authenticates); null while live.',
    },
  },
} as const;

const auth = {
  description: 'Bearer <requester session token> or Bearer tnd_… (an API key with both scopes)',
};

/**
 * `POST|GET /v1/requesters/me/keys` and `DELETE /v1/requesters/me/keys/:id`:
 * a requester's API keys (session token or a key with both scopes).
 */
export function requesterKeyRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const manage = requesterAuth(app, ctx, 'manage');

  app.post<{ Body: { name: string; scopes: ('submit' | 'read')[] } }>(
    '/v1/requesters/me/keys',
    {
      onRequest: manage,
      schema: {
        tags: ['requesters'],
        summary: 'Create an API key (the key is shown once, stored only as its sha256)',
        description: auth.description,
        body: {
          type: 'object',
          required: ['name', 'scopes'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100, description: keyFields.name.description },
            scopes,
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['id', 'name', 'scopes', 'key', 'createdAt'],
            properties: {
              ...keyFields,
              key: {
                type: 'string',
                description:
                  'The API key, `tnd_<12 hex>_<secret>`: use as `Authorization: Bearer <key>`. Shown only now.',
              },
            },
          },
          400: problem,
          401: problem,
          403: problem,
          409: problem,
        },
      },
    },
    async (request, reply) => {
      const created = await createApiKey(ctx.market, requesterOf(request).requesterId, request.body);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({
        id: created.id,
        name: created.name,
        scopes: created.scopes,
        key: created.key,
        createdAt: created.createdAt,
      });
    },
  );

  app.get(
    '/v1/requesters/me/keys',
    {
      onRequest: manage,
      schema: {
        tags: ['requesters'],
        summary: "The requester's API keys, newest first (revoked ones included; never the keys themselves)",
        description: auth.description,
        response: {
          200: {
            type: 'object',
            required: ['keys'],
            properties: { keys: { type: 'array', items: keyView, description: 'Newest first.' } },
          },
          401: problem,
          403: problem,
        },
      },
    },
    async (request) => ({ keys: await listApiKeys(ctx.market, requesterOf(request).requesterId) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/requesters/me/keys/:id',
    {
      onRequest: manage,
      schema: {
        tags: ['requesters'],
        summary: 'Revoke an API key: it stops working at once',
        description: auth.description,
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', description: "The key's id." } },
        },
        response: {
          204: { type: 'null', description: 'Revoked (also when it already was).' },
          401: problem,
          403: problem,
          404: problem,
        },
      },
    },
    async (request, reply) => {
      await revokeApiKey(ctx.market, requesterOf(request).requesterId, request.params.id);
      return reply.code(204).send();
    },
  );
}
