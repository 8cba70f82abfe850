import type { FastifyInstance } from 'fastify';
import type { Hex } from 'viem';
import type { ApiContext } from '../context.ts';
import { issueSiweNonce, signInProver } from '../plugins/proverAuth.ts';

const problem = { $ref: 'Problem#' } as const;

const nonceSchema = {
  tags: ['provers'],
  summary: 'A single-use nonce for an EIP-4361 sign-in message (valid 5 minutes)',
  response: {
    200: {
      type: 'object',
      required: ['nonce'],
      properties: { nonce: { type: 'string', description: 'Put it in the SIWE message `Nonce:` field.' } },
    },
  },
} as const;

const sessionSchema = {
  tags: ['provers'],
  summary: 'Sign in with an EIP-4361 (SIWE) message signed by the prover key; returns a 1-hour bearer token',
  description:
    "The message domain must be this api's host, its chain id the market's chain, its nonce one from " +
    '`GET /v1/provers/session/nonce` (single use). Use the token as `Authorization: Bearer <token>`.',
  body: {
    type: 'object',
    required: ['message', 'signature'],
    additionalProperties: false,
    properties: {
      message: { type: 'string', minLength: 1, maxLength: 4096 },
      signature: { type: 'string', pattern: '^0x[0-9a-fA-F]+$', maxLength: 1024 },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['token', 'expiresAt', 'address'],
      properties: {
        token: { type: 'string' },
        expiresAt: { type: 'string', format: 'date-time', description: 'ISO 8601' },
        address: { type: 'string', description: 'Checksummed address of the signer' },
      },
    },
    400: problem,
    401: problem,
  },
} as const;

/** `GET /v1/provers/session/nonce` and `POST /v1/provers/session`: prover sign-in (EIP-4361). */
export function proverSessionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/v1/provers/session/nonce', { schema: nonceSchema }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { nonce: await issueSiweNonce(ctx) };
  });

  app.post<{ Body: { message: string; signature: string } }>(
    '/v1/provers/session',
    { schema: sessionSchema },
    async (request) => {
      const grant = await signInProver(ctx, {
        message: request.body.message,
        signature: request.body.signature as Hex,
      });
      return {
        token: grant.token,
        expiresAt: new Date(grant.expiresAt).toISOString(),
        address: grant.address,
      };
    },
  );
}
