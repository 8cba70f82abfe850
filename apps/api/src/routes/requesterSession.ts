import { requesterForSignIn } from '@tender/market';
import type { FastifyInstance } from 'fastify';
import type { Hex } from 'viem';
import type { ApiContext } from '../context.ts';
import { issueSessionToken, issueSiweNonce, verifySiweSignIn } from '../plugins/proverAuth.ts';

/** How long a requester session token is valid (ms): a day, then sign in again. */
export const REQUESTER_SESSION_TTL_MS = 86_400_000;

const problem = { $ref: 'Problem#' } as const;

const nonceSchema = {
  tags: ['requesters'],
  summary: 'A single-use nonce for a requester EIP-4361 sign-in message (valid 5 minutes)',
  response: {
    200: {
      type: 'object',
      required: ['nonce'],
      properties: { nonce: { type: 'string', description: 'Put it in the SIWE message `Nonce:` field.' } },
    },
  },
} as const;

const sessionSchema = {
  tags: ['requesters'],
  summary: 'Sign in with Ethereum (EIP-4361) as a requester; the first sign-in creates the requester',
  description:
    "Sign an EIP-4361 message with the requester's key (the key that signs JobRequests and owns the escrow). " +
    "Its domain must be this api's host, its chain id the market's chain, its nonce one from " +
    '`GET /v1/requesters/session/nonce` (single use), and it must be within its validity window. ' +
    'The first sign-in of an address creates a requester bound to it. The token works as ' +
    '`Authorization: Bearer <token>` on every requester route with all scopes, and is the way to create ' +
    'API keys (`POST /v1/requesters/me/keys`). Refusals are 401 with `code` TENDER_UNAUTHORIZED and ' +
    '`details.reason` malformed, domain_mismatch, chain_mismatch, expired or nonce_unknown, or ' +
    'TENDER_SIGNATURE_INVALID.',
  body: {
    type: 'object',
    required: ['message', 'signature'],
    additionalProperties: false,
    properties: {
      message: {
        type: 'string',
        minLength: 1,
        maxLength: 4096,
        description: 'The EIP-4361 message, as signed.',
      },
      signature: {
        type: 'string',
        pattern: '^0x[0-9a-fA-F]+$',
        maxLength: 1024,
        description: 'personal_sign (EIP-191) signature of `message` by the address it names.',
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['token', 'expiresAt', 'address', 'requesterId'],
      properties: {
        token: { type: 'string', description: 'Bearer token for requester routes (24 hours).' },
        expiresAt: {
          type: 'string',
          format: 'date-time',
          description: 'When the token stops working (ISO 8601).',
        },
        address: { type: 'string', description: 'Checksummed address of the signer.' },
        requesterId: { type: 'string', description: "The requester's id (created on the first sign-in)." },
      },
    },
    400: problem,
    401: problem,
  },
} as const;

/** `GET /v1/requesters/session/nonce` and `POST /v1/requesters/session`: requester sign-in (EIP-4361). */
export function requesterSessionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/v1/requesters/session/nonce', { schema: nonceSchema }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { nonce: await issueSiweNonce(ctx) };
  });

  app.post<{ Body: { message: string; signature: string } }>(
    '/v1/requesters/session',
    { schema: sessionSchema },
    async (request, reply) => {
      const { address, now } = await verifySiweSignIn(ctx, {
        message: request.body.message,
        signature: request.body.signature as Hex,
      });
      const { requesterId } = await requesterForSignIn(ctx.market, address);
      const expiresAt = now + REQUESTER_SESSION_TTL_MS;
      reply.header('cache-control', 'no-store');
      return {
        token: issueSessionToken(ctx.sessionSecret, address, expiresAt, 'requester'),
        expiresAt: new Date(expiresAt).toISOString(),
        address,
        requesterId,
      };
    },
  );
}
