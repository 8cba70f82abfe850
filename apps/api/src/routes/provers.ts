import { boundedCapacity, TenderError } from '@tender/core';
import {
  channels,
  type ProverEvent,
  type ProverView,
  pendingProverEvents,
  proverByAddress,
  recordHeartbeat,
  registerProver,
} from '@tender/market';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.ts';
import { proverAddressOf, proverAuthHeaders, requireProver } from '../plugins/proverAuth.ts';
import { openEventStream, useEventStreams } from '../plugins/sse.ts';

/** How often an idle event stream sends a `: ping` comment (ms). */
export const SSE_PING_MS = 15_000;

const problem = { $ref: 'Problem#' } as const;
const wei = { type: 'string', pattern: '^[0-9]{1,78}$', description: 'wei, decimal' } as const;
const circuitIds = {
  type: 'array',
  maxItems: 1000,
  items: { type: 'string', pattern: '^0x[0-9a-fA-F]{64}$' },
  description: 'Circuit ids whose artifacts the prover already caches',
} as const;
const bearer = proverAuthHeaders;

/** JSON schema of a prover as the api shows it (wei as decimal strings, times ISO 8601). */
export const proverViewSchema = {
  type: 'object',
  required: [
    'id',
    'address',
    'kind',
    'maxConcurrency',
    'memoryMb',
    'maxConstraints',
    'cachedCircuitIds',
    'priceFloorWei',
    'reliability',
    'stakeWei',
    'collateralTotalWei',
    'collateralLockedWei',
    'activeAssignments',
  ],
  properties: {
    id: { type: 'string' },
    address: { type: 'string' },
    name: { type: ['string', 'null'] },
    kind: { type: 'string', enum: ['gpu', 'cpu'] },
    maxConcurrency: { type: 'integer' },
    memoryMb: { type: 'integer' },
    maxConstraints: { type: 'integer' },
    cachedCircuitIds: { type: 'array', items: { type: 'string' } },
    priceFloorWei: wei,
    reliability: { type: 'number' },
    stakeWei: wei,
    collateralTotalWei: wei,
    collateralLockedWei: wei,
    activeAssignments: { type: 'integer' },
    lastHeartbeatAt: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
} as const;

interface RegisterBody {
  kind: 'gpu' | 'cpu';
  maxConcurrency: number;
  memoryMb: number;
  maxConstraints: number;
  cachedCircuitIds?: string[];
  priceFloorWei?: string;
  name?: string;
}

const registerSchema = {
  tags: ['provers'],
  security: [{ proverSession: [] }],
  summary: 'Register the signed-in prover, or update its capacity (needs the minimum stake on-chain)',
  headers: bearer,
  body: {
    type: 'object',
    required: ['kind', 'maxConcurrency', 'memoryMb', 'maxConstraints'],
    additionalProperties: false,
    properties: {
      kind: { type: 'string', enum: ['gpu', 'cpu'] },
      maxConcurrency: { type: 'integer', minimum: 1, maximum: 1024 },
      memoryMb: { type: 'integer', minimum: 1 },
      maxConstraints: { type: 'integer', minimum: 1 },
      cachedCircuitIds: circuitIds,
      priceFloorWei: wei,
      name: { type: 'string', maxLength: 100 },
    },
  },
  response: { 200: proverViewSchema, 400: problem, 401: problem, 403: problem },
} as const;

const meSchema = {
  tags: ['provers'],
  security: [{ proverSession: [] }],
  summary: 'The signed-in prover',
  headers: bearer,
  response: { 200: proverViewSchema, 401: problem, 404: problem },
} as const;

const heartbeatSchema = {
  tags: ['provers'],
  security: [{ proverSession: [] }],
  summary: 'Heartbeat: the prover is alive (optionally with the circuits it caches now)',
  headers: bearer,
  body: {
    type: 'object',
    additionalProperties: false,
    properties: { cachedCircuitIds: circuitIds },
  },
  response: {
    200: {
      type: 'object',
      required: ['at'],
      properties: { at: { type: 'string', description: 'ISO 8601 time the heartbeat was recorded' } },
    },
    401: problem,
    404: problem,
  },
} as const;

const eventsSchema = {
  tags: ['provers'],
  security: [{ proverSession: [] }],
  summary: 'Server-sent events of the signed-in prover: invitation, award, cancellation',
  description:
    'First every pending invitation (open auction rounds it was invited to) and award (assignments it ' +
    'holds), then live events. Each event is `event: <type>` with the JSON event as `data`; a `: ping` ' +
    'comment every 15 s. Events may repeat across reconnects: handle them by auction / assignment id.',
  headers: bearer,
  response: {
    200: {
      description: 'text/event-stream',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
    401: problem,
    404: problem,
  },
} as const;

async function signedInProver(ctx: ApiContext, request: FastifyRequest): Promise<ProverView> {
  const address = proverAddressOf(request);
  const prover = await proverByAddress(ctx.market, address);
  if (!prover) {
    throw new TenderError('TENDER_PROVER_NOT_FOUND', 'prover is not registered (POST /v1/provers)', {
      details: { address },
    });
  }
  return prover;
}

/**
 * Prover routes: `POST /v1/provers`, `GET /v1/provers/me`,
 * `POST /v1/provers/me/heartbeat`, `GET /v1/provers/me/events` (SSE). All need
 * a prover session token.
 */
export function proverRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const preHandler = requireProver(ctx);
  useEventStreams(app, ctx.redis);

  app.post<{ Body: RegisterBody }>('/v1/provers', { schema: registerSchema, preHandler }, async (request) => {
    const body = request.body;
    const address = proverAddressOf(request);
    // declared capacity, bounded by the ceilings and by the prover's record (core's boundedCapacity)
    const acceptedProofs = await ctx.market.prisma.assignment.count({
      where: { status: 'accepted', prover: { address: address.toLowerCase() } },
    });
    const capacity = boundedCapacity({ slots: body.maxConcurrency, memoryMb: body.memoryMb, acceptedProofs });
    return registerProver(ctx.market, {
      address,
      kind: body.kind,
      maxConcurrency: capacity.slots,
      memoryMb: capacity.memoryMb,
      maxConstraints: body.maxConstraints,
      cachedCircuitIds: body.cachedCircuitIds ?? [],
      priceFloorWei: BigInt(body.priceFloorWei ?? '0'),
      name: body.name,
    });
  });

  app.get('/v1/provers/me', { schema: meSchema, preHandler }, async (request) =>
    signedInProver(ctx, request),
  );

  app.post<{ Body: { cachedCircuitIds?: string[] } | undefined }>(
    '/v1/provers/me/heartbeat',
    { schema: heartbeatSchema, preHandler },
    async (request) => {
      const prover = await signedInProver(ctx, request);
      await recordHeartbeat(ctx.market, prover.id, { cachedCircuitIds: request.body?.cachedCircuitIds });
      return { at: new Date(ctx.market.now()).toISOString() };
    },
  );

  app.get('/v1/provers/me/events', { schema: eventsSchema, preHandler }, async (request, reply) => {
    const prover = await signedInProver(ctx, request);
    return openEventStream<ProverEvent>(app, ctx.redis, request, reply, {
      channel: channels.prover(ctx.redisPrefix, prover.id),
      format: (event) => ({ event: event.type, data: event }),
      pingMs: SSE_PING_MS,
      // read after subscribing, so nothing published in between is lost
      replay: async () => ({ events: await pendingProverEvents(ctx.market, prover.id) }),
    });
  });
}
