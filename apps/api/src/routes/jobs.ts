import { jobStatuses, TenderError } from '@tender/core';
import type { JobStatus } from '@tender/db';
import { cancelJob, channels, getJobView, type JobEvent, listJobs, submitJob } from '@tender/market';
import { type JobStatusEvent, terminalJobStatuses } from '@tender/sdk';
import type { FastifyInstance } from 'fastify';
import type { Hex } from 'viem';
import type { ApiContext } from '../context.ts';
import { requesterAuth, requesterOf } from '../plugins/requesterAuth.ts';
import { openEventStream, useEventStreams } from '../plugins/sse.ts';

/** How often an idle job event stream gets a keep-alive comment (ms). */
export const SSE_HEARTBEAT_MS = 15_000;

const problem = { $ref: 'Problem#' } as const;
const hex32 = { type: 'string', pattern: '^0x[0-9a-f]{64}$' } as const;
const address = { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' } as const;
const wei = { type: 'string', pattern: '^[0-9]{1,78}$' } as const;
const nullable = <T extends object>(schema: T) => ({ anyOf: [schema, { type: 'null' }] }) as const;
const isoTime = { type: 'string' } as const;

/** JSON schema of a JobView (`@tender/sdk`). */
export const jobViewSchema = {
  type: 'object',
  required: ['id', 'status', 'circuitId', 'inputHash', 'maxFee', 'deadline', 'round', 'createdAt'],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: jobStatuses },
    statusReason: nullable({ type: 'string' }),
    chainJobId: nullable(hex32),
    circuitId: hex32,
    requester: nullable(address),
    input: {},
    inputHash: hex32,
    maxFee: wei,
    deadline: { type: 'integer', description: 'unix seconds' },
    nonce: nullable(wei),
    webhookUrl: nullable({ type: 'string' }),
    idempotencyKey: nullable({ type: 'string' }),
    round: { type: 'integer' },
    expectedPublicSignals: { type: 'array', items: { type: 'string' } },
    createdAt: isoTime,
    updatedAt: isoTime,
    provenAt: nullable(isoTime),
    batchedAt: nullable(isoTime),
    verifiedAt: nullable(isoTime),
    auctions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          round: { type: 'integer' },
          status: { type: 'string' },
          opensAt: isoTime,
          closesAt: isoTime,
          closedAt: nullable(isoTime),
          invited: { type: 'integer' },
          bids: { type: 'integer' },
        },
      },
    },
    assignment: nullable({
      type: 'object',
      properties: {
        id: { type: 'string' },
        round: { type: 'integer' },
        prover: address,
        price: wei,
        collateral: wei,
        deadline: isoTime,
        status: { type: 'string' },
      },
    }),
    price: nullable(wei),
    proof: nullable({
      type: 'object',
      properties: {
        proof: { type: 'object', additionalProperties: true },
        publicSignals: { type: 'array', items: { type: 'string' } },
        proofHash: hex32,
        publicSignalsHash: hex32,
        prover: address,
        receivedAt: isoTime,
      },
    }),
    publicSignals: nullable({ type: 'array', items: { type: 'string' } }),
    batch: nullable({
      type: 'object',
      properties: {
        id: { type: 'string' },
        status: { type: 'string' },
        txHash: nullable(hex32),
        blockNumber: nullable({ type: 'string' }),
        root: nullable(hex32),
        chainBatchId: nullable({ type: 'string' }),
        leafIndex: { type: 'integer' },
        leafHash: nullable(hex32),
        inclusionProof: nullable({ type: 'array', items: hex32 }),
      },
    }),
  },
} as const;

const jobSummarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: jobStatuses },
    circuitId: hex32,
    chainJobId: nullable(hex32),
    maxFee: wei,
    deadline: { type: 'integer' },
    round: { type: 'integer' },
    createdAt: isoTime,
    updatedAt: isoTime,
  },
} as const;

const jobParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

interface SubmitBody {
  circuitId: string;
  input: Record<string, unknown>;
  maxFee: string;
  deadline: number;
  nonce: string;
  requestSignature?: string;
  webhookUrl?: string;
}

/**
 * The job routes (API key):
 * - `POST /v1/jobs` (+ `Idempotency-Key`): 202 with the job when stored, 200 for a replay.
 * - `GET /v1/jobs` (`status`, `limit`, `cursor`), `GET /v1/jobs/:id`, `DELETE /v1/jobs/:id`.
 * - `GET /v1/jobs/:id/events`: server-sent events `event: status` — the current
 *   status first, then each change; a `: ping` comment every 15 s; the stream
 *   ends after a final status.
 */
export async function jobRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const auth = requesterAuth(app, ctx);
  useEventStreams(app, ctx.redis);

  app.post(
    '/v1/jobs',
    {
      onRequest: auth,
      schema: {
        tags: ['jobs'],
        summary: 'Submit a proving job (EIP-712 signed JobRequest)',
        description:
          'requestSignature is the requester’s EIP-712 signature (domain Tender/1/chainId/market) of ' +
          'JobRequest(requester, circuitId, inputHash = keccak256(canonical JSON of input), maxFee, deadline, nonce). ' +
          'maxFee and nonce are decimal strings; deadline is unix seconds.',
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } },
        },
        body: {
          type: 'object',
          required: ['circuitId', 'input', 'maxFee', 'deadline', 'nonce'],
          additionalProperties: false,
          properties: {
            circuitId: { type: 'string', maxLength: 66 },
            input: { type: 'object' },
            maxFee: wei,
            deadline: { type: 'integer', minimum: 0, description: 'unix seconds' },
            nonce: wei,
            requestSignature: { type: 'string', maxLength: 300 },
            webhookUrl: { type: 'string', maxLength: 2048 },
          },
        },
        response: {
          200: jobViewSchema,
          202: jobViewSchema,
          400: problem,
          401: problem,
          404: problem,
          409: problem,
          422: problem,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as SubmitBody;
      if (body.requestSignature === undefined || !/^0x[0-9a-fA-F]+$/.test(body.requestSignature)) {
        throw new TenderError(
          'TENDER_SIGNATURE_INVALID',
          'requestSignature (0x hex EIP-712 signature) is required',
        );
      }
      const key = request.headers['idempotency-key'];
      const { job, created } = await submitJob(ctx.market, {
        requesterId: requesterOf(request).requesterId,
        circuitId: body.circuitId,
        input: body.input,
        maxFee: BigInt(body.maxFee),
        deadline: body.deadline,
        nonce: BigInt(body.nonce),
        requestSignature: body.requestSignature as Hex,
        ...(body.webhookUrl === undefined ? {} : { webhookUrl: body.webhookUrl }),
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
      });
      return reply.code(created ? 202 : 200).send(job);
    },
  );

  app.get(
    '/v1/jobs',
    {
      onRequest: auth,
      schema: {
        tags: ['jobs'],
        summary: 'Your jobs, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: jobStatuses },
            limit: { type: 'string', pattern: '^[0-9]{1,3}$', description: '1..200, default 50' },
            cursor: { type: 'string', maxLength: 64 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'nextCursor'],
            properties: {
              items: { type: 'array', items: jobSummarySchema },
              nextCursor: nullable({ type: 'string' }),
            },
          },
          400: problem,
          401: problem,
        },
      },
    },
    async (request) => {
      const q = request.query as { status?: JobStatus; limit?: string; cursor?: string };
      return listJobs(ctx.market, requesterOf(request).requesterId, {
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.limit === undefined ? {} : { limit: Number(q.limit) }),
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      });
    },
  );

  app.get(
    '/v1/jobs/:id',
    {
      onRequest: auth,
      schema: {
        tags: ['jobs'],
        summary:
          'A job: status, rounds, prover, price, proof, and once settled its batch and inclusion proof',
        params: jobParams,
        response: { 200: jobViewSchema, 401: problem, 404: problem },
      },
    },
    async (request) =>
      getJobView(ctx.market, requesterOf(request).requesterId, (request.params as { id: string }).id),
  );

  app.delete(
    '/v1/jobs/:id',
    {
      onRequest: auth,
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a job that is not yet awarded (submitted or auctioning)',
        params: jobParams,
        response: { 200: jobViewSchema, 401: problem, 404: problem, 409: problem },
      },
    },
    async (request) =>
      cancelJob(ctx.market, requesterOf(request).requesterId, (request.params as { id: string }).id),
  );

  app.get(
    '/v1/jobs/:id/events',
    {
      onRequest: auth,
      schema: {
        tags: ['jobs'],
        summary: 'Server-sent events of the job’s status: the current one first, then each change',
        description:
          'text/event-stream; each event is `event: status` with JSON data { type, jobId, status, at (ms), round?, detail? }. ' +
          'A `: ping` comment every 15 s; the stream ends after a final status (verified, expired, cancelled, rejected).',
        produces: ['text/event-stream'],
        params: jobParams,
        response: { 200: { type: 'string' }, 401: problem, 404: problem },
      },
    },
    async (request, reply) => {
      const jobId = (request.params as { id: string }).id;
      const requesterId = requesterOf(request).requesterId;
      await getJobView(ctx.market, requesterId, jobId); // 404 before the stream opens

      return openEventStream<JobEvent>(app, ctx.redis, request, reply, {
        channel: channels.job(ctx.redisPrefix, jobId),
        format: (event) => (event.type === 'status' ? { event: 'status', data: event } : null),
        endAfter: (event) =>
          event.type === 'status' && (terminalJobStatuses as readonly string[]).includes(event.status),
        pingMs: SSE_HEARTBEAT_MS,
        replay: async () => {
          // read after subscribing, so no change falls in between
          const job = await ctx.market.prisma.job.findUniqueOrThrow({
            where: { id: jobId },
            select: { status: true, round: true, updatedAt: true, statusReason: true },
          });
          const at = job.updatedAt.getTime();
          const current: JobStatusEvent = {
            type: 'status',
            jobId,
            status: job.status,
            at,
            round: job.round,
            ...(job.statusReason === null ? {} : { detail: job.statusReason }),
          };
          return { events: [current], isNewer: (event) => event.at > at };
        },
      });
    },
  );
}
