import { TenderError } from '@tender/core';
import {
  channels,
  type EventSubscription,
  type ProverEvent,
  type ProverView,
  pendingProverEvents,
  proverByAddress,
  recordHeartbeat,
  registerProver,
  subscribeEvents,
} from '@tender/market';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.ts';
import { proverAddressOf, proverAuthHeaders, requireProver } from '../plugins/proverAuth.ts';

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
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.post<{ Body: RegisterBody }>('/v1/provers', { schema: registerSchema, preHandler }, async (request) => {
    const body = request.body;
    return registerProver(ctx.market, {
      address: proverAddressOf(request),
      kind: body.kind,
      maxConcurrency: body.maxConcurrency,
      memoryMb: body.memoryMb,
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
    // Subscribe before reading Postgres so that nothing published in between is lost;
    // live events wait in `early` until the replay is written.
    const early: ProverEvent[] = [];
    let write: ((event: ProverEvent) => void) | undefined;
    const subscription: EventSubscription = await subscribeEvents<ProverEvent>(
      ctx.redis,
      channels.prover(ctx.redisPrefix, prover.id),
      (event) => (write ? write(event) : early.push(event)),
    );
    let pending: ProverEvent[];
    try {
      pending = await pendingProverEvents(ctx.market, prover.id);
    } catch (error) {
      await subscription.close();
      throw error;
    }
    reply.hijack();
    const raw = reply.raw;
    let ended = false;
    let ping: NodeJS.Timeout | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(ping);
      streams.delete(end);
      void subscription.close().catch(() => {});
      if (!raw.writableEnded) raw.end();
    };
    streams.add(end);
    raw.on('close', end);
    if (raw.destroyed) return end();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (event: ProverEvent) => {
      if (!ended) raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    raw.write(': connected\n\n');
    for (const event of pending) send(event);
    for (const event of early) send(event);
    write = send;
    ping = setInterval(() => {
      if (!ended) raw.write(': ping\n\n');
    }, SSE_PING_MS);
  });
}
