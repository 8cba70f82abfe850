import { getRequesterView, reserveNonce } from '@tender/market';
import type { MarketView } from '@tender/sdk';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import { requesterAuth, requesterOf } from '../plugins/requesterAuth.ts';

const problem = { $ref: 'Problem#' } as const;
const address = { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' } as const;

const marketSchema = {
  type: 'object',
  required: ['chainId', 'market', 'registry', 'staking'],
  properties: {
    chainId: { type: 'integer' },
    market: address,
    registry: address,
    staking: address,
    rpcUrl: { type: 'string' },
  },
} as const;

const requesterSchema = {
  type: 'object',
  required: ['id', 'name', 'address', 'nextNonce', 'createdAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    address: { anyOf: [address, { type: 'null' }] },
    nextNonce: { type: 'string', pattern: '^[0-9]+$' },
    createdAt: { type: 'string' },
  },
} as const;

/**
 * `GET /v1/market` (public: the EIP-712 domain and contracts requesters and
 * provers sign for), `GET /v1/requesters/me` and `POST /v1/requesters/me/nonces`
 * (API key).
 */
export async function requesterRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const auth = requesterAuth(app, ctx);

  app.get(
    '/v1/market',
    {
      schema: {
        tags: ['market'],
        summary:
          'Chain id and contract addresses (the EIP-712 domain is name Tender, version 1, chainId, market)',
        response: { 200: marketSchema },
      },
    },
    async (): Promise<MarketView> => {
      const { deployment, publicClient } = ctx.market;
      const rpcUrl = publicClient.chain.rpcUrls.default.http[0];
      return {
        chainId: deployment.chainId,
        market: deployment.addresses.market,
        registry: deployment.addresses.registry,
        staking: deployment.addresses.staking,
        ...(rpcUrl === undefined ? {} : { rpcUrl }),
      };
    },
  );

  app.get(
    '/v1/requesters/me',
    {
      onRequest: auth,
      schema: {
        tags: ['requesters'],
        summary: 'The requester this API key belongs to',
        response: { 200: requesterSchema, 401: problem },
      },
    },
    async (request) => getRequesterView(ctx.market, requesterOf(request).requesterId),
  );

  app.post(
    '/v1/requesters/me/nonces',
    {
      onRequest: auth,
      schema: {
        tags: ['requesters'],
        summary: 'Reserve the next JobRequest nonce (sign it into your next job request)',
        response: {
          201: {
            type: 'object',
            required: ['nonce'],
            properties: { nonce: { type: 'string', pattern: '^[0-9]+$' } },
          },
          401: problem,
        },
      },
    },
    async (request, reply) => {
      const nonce = await reserveNonce(ctx.market, requesterOf(request).requesterId);
      return reply.code(201).send({ nonce: nonce.toString() });
    },
  );
}
