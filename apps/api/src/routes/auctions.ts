import { placeBid } from '@tender/market';
import type { FastifyInstance } from 'fastify';
import type { Hex } from 'viem';
import type { ApiContext } from '../context.ts';
import { proverAddressOf, proverAuthHeaders, requireProver } from '../plugins/proverAuth.ts';

const problem = { $ref: 'Problem#' } as const;

/** JSON schema of a stored bid (wei as decimal strings). */
export const bidViewSchema = {
  type: 'object',
  required: ['id', 'auctionId', 'jobId', 'proverId', 'proverAddress', 'priceWei', 'etaMs', 'expiresAt'],
  properties: {
    id: { type: 'string' },
    auctionId: { type: 'string' },
    jobId: { type: 'string' },
    proverId: { type: 'string' },
    proverAddress: { type: 'string' },
    priceWei: { type: 'string' },
    etaMs: { type: 'integer' },
    collateralWei: { type: 'string' },
    expiresAt: { type: 'integer', description: 'unix seconds, as signed' },
    createdAt: { type: 'string' },
    score: { type: 'number' },
  },
} as const;

interface BidBody {
  price: string;
  etaMs: number;
  expiresAt: number;
  signature: string;
}

const bidSchema = {
  tags: ['provers'],
  security: [{ proverSession: [] }],
  summary: 'Place a sealed bid in an auction round the prover was invited to',
  description:
    'EIP-712 `Bid(bytes32 jobId, uint256 price, uint64 etaMs, uint64 expiresAt, address prover)` signed by ' +
    "the signed-in prover, domain `Tender`/`1`/chain/market, jobId = the job's `chainJobId`. A new bid " +
    "replaces the prover's earlier one in the same round.",
  headers: proverAuthHeaders,
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', format: 'uuid', description: 'auction id (from the invitation)' } },
  },
  body: {
    type: 'object',
    required: ['price', 'etaMs', 'expiresAt', 'signature'],
    additionalProperties: false,
    properties: {
      price: { type: 'string', pattern: '^[0-9]{1,78}$', description: 'wei, decimal' },
      etaMs: { type: 'integer', minimum: 1, maximum: 2147483647, description: 'promised proving time, ms' },
      expiresAt: { type: 'integer', minimum: 0, description: 'unix seconds; must outlast the auction' },
      signature: { type: 'string', pattern: '^0x[0-9a-fA-F]+$', maxLength: 1024 },
    },
  },
  response: {
    201: bidViewSchema,
    400: problem,
    401: problem,
    403: problem,
    404: problem,
    409: problem,
    422: problem,
  },
} as const;

/** `POST /v1/auctions/:id/bids`: a prover's EIP-712 signed bid (→ market `placeBid`). */
export function auctionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Params: { id: string }; Body: BidBody }>(
    '/v1/auctions/:id/bids',
    { schema: bidSchema, preHandler: requireProver(ctx) },
    async (request, reply) => {
      const bid = await placeBid(ctx.market, {
        auctionId: request.params.id,
        proverAddress: proverAddressOf(request),
        price: BigInt(request.body.price),
        etaMs: request.body.etaMs,
        expiresAt: request.body.expiresAt,
        signature: request.body.signature as Hex,
      });
      return reply.code(201).send(bid);
    },
  );
}
