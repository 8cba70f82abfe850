import { createHash, timingSafeEqual } from 'node:crypto';
import { jobStatuses, TenderError } from '@tender/core';
import { channels, type OperatorEvent, operatorOverview } from '@tender/market';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.ts';
import { clientAddress } from '../plugins/clientAddress.ts';
import { openEventStream, useEventStreams } from '../plugins/sse.ts';

/**
 * Operator API: `GET /v1/operator/overview` (everything the dashboard shows,
 * from Postgres) and `GET /v1/operator/events` (server-sent events: every
 * `OperatorEvent` the market publishes, live; `: ping` comments keep it open).
 *
 * Auth ({@link operatorAuth}): with `ctx.operatorToken` set
 * (`TENDER_OPERATOR_TOKEN`), `Authorization: Bearer <token>` — or
 * `?access_token=<token>` for EventSource, which cannot send headers; unset,
 * only loopback clients that came through no proxy are let in (local dev).
 */

const problem = { $ref: 'Problem#' } as const;
const nullable = (type: string) => ({ type: [type, 'null'] });
const wei = { type: 'string', pattern: '^[0-9]+$', description: 'wei, decimal string' } as const;
const weiOrNull = { type: ['string', 'null'], pattern: '^[0-9]+$' } as const;
const ms = { type: 'integer', description: 'ms since epoch' } as const;
const counts = (statuses: readonly string[]) =>
  ({
    type: 'object',
    required: [...statuses],
    properties: Object.fromEntries(statuses.map((s) => [s, { type: 'integer' }])),
  }) as const;
const object = (properties: Record<string, unknown>) => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
});

const fourStatuses = ['pending', 'submitted', 'confirmed', 'failed'];

/** JSON schema of `GET /v1/operator/overview`'s answer (the `OperatorOverview` of @tender/market). */
export const operatorOverviewSchema = object({
  generatedAt: ms,
  jobs: object({ total: { type: 'integer' }, byStatus: counts(jobStatuses) }),
  auctions: object({ open: { type: 'integer' } }),
  provers: object({
    total: { type: 'integer' },
    alive: { type: 'integer' },
    list: {
      type: 'array',
      items: object({
        id: { type: 'string' },
        address: { type: 'string' },
        name: nullable('string'),
        kind: { type: 'string', enum: ['gpu', 'cpu'] },
        alive: { type: 'boolean' },
        lastHeartbeatAt: { type: ['integer', 'null'] },
        reliability: { type: 'number' },
        maxConcurrency: { type: 'integer' },
        activeAssignments: { type: 'integer' },
        stakeWei: wei,
        collateralTotalWei: wei,
        collateralLockedWei: wei,
      }),
    },
  }),
  recentJobs: {
    type: 'array',
    items: object({
      id: { type: 'string' },
      status: { type: 'string', enum: jobStatuses },
      statusReason: nullable('string'),
      circuitId: { type: 'string' },
      circuitName: { type: 'string' },
      round: { type: 'integer' },
      maxFeeWei: wei,
      priceWei: weiOrNull,
      proverAddress: nullable('string'),
      createdAt: ms,
      updatedAt: ms,
    }),
  },
  batches: object({
    byStatus: counts(fourStatuses),
    confirmedProofs: { type: 'integer' },
    confirmedGasUsed: { type: 'integer' },
    gasPerProof: { type: ['integer', 'null'] },
    recent: {
      type: 'array',
      items: object({
        id: { type: 'string' },
        status: { type: 'string', enum: fourStatuses },
        size: { type: 'integer' },
        txHash: nullable('string'),
        blockNumber: { type: ['integer', 'null'] },
        gasUsed: { type: ['integer', 'null'] },
        gasPerProof: { type: ['integer', 'null'] },
        attempts: { type: 'integer' },
        error: nullable('string'),
        createdAt: ms,
        confirmedAt: { type: ['integer', 'null'] },
      }),
    },
  }),
  slashes: object({
    byStatus: counts(fourStatuses),
    slashedWei: wei,
    recent: {
      type: 'array',
      items: object({
        id: { type: 'string' },
        status: { type: 'string', enum: fourStatuses },
        proverAddress: { type: 'string' },
        jobId: { type: 'string' },
        txHash: nullable('string'),
        slashedWei: weiOrNull,
        challengerRewardWei: weiOrNull,
        requesterRewardWei: weiOrNull,
        error: nullable('string'),
        createdAt: ms,
      }),
    },
  }),
  money: object({
    escrowSettledWei: wei,
    paidToProversWei: wei,
    feesEarnedWei: wei,
    awaitingSettlementWei: wei,
    collateralLockedWei: wei,
  }),
  throughput: object({
    verifiedLastMinute: { type: 'integer' },
    verifiedLastHour: { type: 'integer' },
    provenLastMinute: { type: 'integer' },
    provenLastHour: { type: 'integer' },
  }),
});

/** Query string the operator routes accept: the token for clients that cannot send headers. */
export const operatorQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    access_token: { type: 'string', description: 'The operator token, for EventSource (no headers).' },
  },
} as const;

const digest = (text: string) => createHash('sha256').update(text).digest();

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  const query = request.query as { access_token?: unknown } | undefined;
  return typeof query?.access_token === 'string' ? query.access_token : undefined;
}

/**
 * A preHandler that guards operator routes. With `ctx.operatorToken` set, the
 * request must carry it (`Authorization: Bearer`, or `?access_token=`), else
 * 401 TENDER_UNAUTHORIZED; tokens are compared in constant time. Without a
 * token, only loopback clients get in ({@link clientAddress}: `request.ip`
 * through the configured `trustProxy`; a proxy header with no trusted proxy
 * means an unknown client), else 403 TENDER_FORBIDDEN: an api exposed to a
 * network never serves operator data without a token.
 */
export function operatorAuth(ctx: Pick<ApiContext, 'operatorToken'>) {
  const expected = ctx.operatorToken ? digest(ctx.operatorToken) : undefined;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (expected === undefined) {
      if (isLoopback(clientAddress(request))) return;
      throw new TenderError(
        'TENDER_FORBIDDEN',
        'the operator API answers loopback clients only while TENDER_OPERATOR_TOKEN is unset',
      );
    }
    const token = presentedToken(request);
    if (token === undefined || !timingSafeEqual(digest(token), expected)) {
      reply.header('www-authenticate', 'Bearer realm="tender-operator"');
      throw new TenderError('TENDER_UNAUTHORIZED', 'operator token missing or wrong');
    }
  };
}

/** Options of {@link createOperatorRoutes}. */
export interface OperatorRoutesOptions {
  /** Interval of the `: ping` comment on the event stream (ms); default 15 000. */
  pingMs?: number;
}

/**
 * Builds the operator route module (register it with `ctx`). Open event
 * streams are ended when the app closes, so `app.close()` never waits on them.
 */
export function createOperatorRoutes(options: OperatorRoutesOptions = {}) {
  const pingMs = options.pingMs ?? 15_000;
  return async function operatorRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
    const auth = operatorAuth(ctx);
    useEventStreams(app, ctx.redis);

    app.get(
      '/v1/operator/overview',
      {
        preHandler: auth,
        schema: {
          tags: ['operator'],
          summary:
            'Everything the operator dashboard shows: jobs, provers, batches, slashes, money, throughput',
          description:
            'Amounts are wei as decimal strings; times are ms since epoch. Auth: Bearer TENDER_OPERATOR_TOKEN (or loopback when unset).',
          querystring: operatorQuerySchema,
          response: { 200: operatorOverviewSchema, 401: problem, 403: problem },
        },
      },
      async () => operatorOverview(ctx.market),
    );

    app.get(
      '/v1/operator/events',
      {
        preHandler: auth,
        schema: {
          tags: ['operator'],
          summary: 'Live operator events (server-sent events)',
          description:
            'text/event-stream: one `data:` line per OperatorEvent ({ type, at, id, status?, detail? }), `: ping` every 15 s. Read GET /v1/operator/overview on (re)connect: events are not replayed.',
          querystring: operatorQuerySchema,
          produces: ['text/event-stream'],
          response: {
            200: { type: 'string', description: 'text/event-stream' },
            401: problem,
            403: problem,
            503: problem,
          },
        },
      },
      (request, reply) =>
        openEventStream<OperatorEvent>(app, ctx.redis, request, reply, {
          channel: channels.operator(ctx.redisPrefix),
          format: (event) => ({ data: event }),
          pingMs,
          retryMs: 3000,
        }),
    );
  };
}

/** The operator route module with the default 15 s ping. */
export const operatorRoutes = createOperatorRoutes();
