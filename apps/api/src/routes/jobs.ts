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
const nullable = <T extends object>(schema: T, description?: string) =>
  ({ anyOf: [schema, { type: 'null' }], ...(description === undefined ? {} : { description }) }) as const;
const isoTime = { type: 'string', format: 'date-time', description: 'ISO 8601 time (UTC).' } as const;
const d = <T extends object>(schema: T, description: string) => ({ ...schema, description }) as const;

/** JSON schema of a JobView (`@tender/sdk`). */
export const jobViewSchema = {
  type: 'object',
  required: ['id', 'status', 'circuitId', 'inputHash', 'maxFee', 'deadline', 'round', 'createdAt'],
  properties: {
    id: d(
      { type: 'string' },
      "Tender's id of the job (a UUID; use it in /v1/jobs/:id). Not the on-chain id.",
    ),
    status: d(
      { type: 'string', enum: jobStatuses },
      'submitted → auctioning → assigned → proving → proven → batched → verified (settled on-chain); or expired, cancelled, rejected.',
    ),
    statusReason: nullable(
      { type: 'string' },
      'Why the job is rejected, expired or cancelled, or why its last round failed.',
    ),
    chainJobId: nullable(
      hex32,
      "The job's on-chain id: the EIP-712 digest of the requester-signed JobRequest. The leaf and TenderMarket.verifyInclusion use it.",
    ),
    circuitId: d(
      hex32,
      'The circuit: sha256 over the wasm, zkey and verification-key digests (also its id in CircuitRegistry).',
    ),
    requester: nullable(address, 'The address that signed the JobRequest and pays from its escrow.'),
    input: { description: "The circuit's input signals, as submitted." },
    inputHash: d(hex32, 'keccak256 of the canonical JSON of `input` (signed in the JobRequest).'),
    maxFee: d(wei, 'The most the requester pays for this job, wei (signed in the JobRequest).'),
    deadline: {
      type: 'integer',
      description: 'When the job expires if not yet proven, unix seconds (signed).',
    },
    nonce: nullable(wei, 'The JobRequest nonce the requester signed (from POST /v1/requesters/me/nonces).'),
    webhookUrl: nullable({ type: 'string' }, 'Where status changes are POSTed (HMAC-signed).'),
    idempotencyKey: nullable({ type: 'string' }, 'The Idempotency-Key header of the submission.'),
    round: {
      type: 'integer',
      description: 'Auction round: 0 before the first auction, n+1 on each re-auction.',
    },
    expectedPublicSignals: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Public signals the circuit yields on this input (decimal field elements); a proof must match them.',
    },
    createdAt: isoTime,
    updatedAt: isoTime,
    provenAt: nullable(isoTime, 'When a valid proof was accepted.'),
    batchedAt: nullable(isoTime, 'When the job was put in a settlement batch.'),
    verifiedAt: nullable(isoTime, 'When its batch was verified on-chain.'),
    auctions: {
      type: 'array',
      description: 'One sealed-bid reverse auction per round.',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', description: "Tender's id of the auction." },
          round: { type: 'integer', description: 'The job round it belongs to.' },
          status: { type: 'string', description: 'open, awarded, no_bids or cancelled.' },
          opensAt: isoTime,
          closesAt: isoTime,
          closedAt: nullable(isoTime),
          invited: { type: 'integer', description: 'Provers invited.' },
          bids: { type: 'integer', description: 'Bids received.' },
        },
      },
    },
    assignment: nullable(
      {
        type: 'object',
        properties: {
          id: { type: 'string', description: "Tender's id of the assignment." },
          round: { type: 'integer', description: 'The job round it belongs to.' },
          prover: d(address, "The winning prover's address (it signed the bid)."),
          price: d(wei, 'Its bid price, wei: what it is paid on settlement.'),
          collateral: d(wei, 'Collateral locked against the assignment, wei.'),
          deadline: d(isoTime, 'When the proof is due.'),
          status: {
            type: 'string',
            description:
              'awarded, proving, submitted, accepted, failed_invalid, failed_deadline, abandoned or cancelled.',
          },
        },
      },
      'The current (last) award.',
    ),
    price: nullable(wei, 'The awarded price, wei.'),
    proof: nullable(
      {
        type: 'object',
        properties: {
          proof: {
            type: 'object',
            additionalProperties: true,
            description:
              'The Groth16 proof as snarkjs writes it: { pi_a, pi_b, pi_c, protocol, curve } (decimal strings).',
          },
          publicSignals: { type: 'array', items: { type: 'string' }, description: 'Decimal field elements.' },
          proofHash: d(hex32, 'keccak256 of the proof words (signed by the prover in ProofSubmission).'),
          publicSignalsHash: d(
            hex32,
            'keccak256 of abi.encode(uint256[] publicSignals); part of the result leaf.',
          ),
          prover: d(address, 'The prover that signed the EIP-712 ProofSubmission.'),
          receivedAt: isoTime,
        },
      },
      'The accepted proof (nested: proof.proof is the Groth16 proof itself).',
    ),
    publicSignals: nullable(
      { type: 'array', items: { type: 'string' } },
      'The proof’s public signals (decimal).',
    ),
    batch: nullable(
      {
        type: 'object',
        properties: {
          id: d({ type: 'string' }, "Tender's id of the batch."),
          status: { type: 'string', description: 'pending, submitted, confirmed or failed.' },
          txHash: nullable(hex32, 'The settlement transaction.'),
          blockNumber: nullable({ type: 'string' }, 'Its block (decimal).'),
          root: nullable(hex32, 'The batch Merkle root stored on-chain.'),
          chainBatchId: nullable(
            { type: 'string' },
            'The batch id in TenderMarket (decimal uint256): pass it to verifyInclusion(batchId, jobId, circuitId, publicSignalsHash, proof).',
          ),
          leafIndex: {
            type: 'integer',
            description: "The job's position among the batch's leaves (0-based).",
          },
          leafHash: nullable(hex32, 'keccak256(chainJobId ‖ circuitId ‖ publicSignalsHash).'),
          inclusionProof: nullable(
            { type: 'array', items: hex32 },
            'Sibling hashes from leaf to root (pairs hashed sorted); the `proof` argument of verifyInclusion.',
          ),
        },
      },
      'The settlement batch and the Merkle inclusion proof of the job’s result.',
    ),
  },
} as const;

const jobSummarySchema = {
  type: 'object',
  properties: {
    id: jobViewSchema.properties.id,
    status: jobViewSchema.properties.status,
    circuitId: jobViewSchema.properties.circuitId,
    chainJobId: jobViewSchema.properties.chainJobId,
    maxFee: jobViewSchema.properties.maxFee,
    deadline: jobViewSchema.properties.deadline,
    round: jobViewSchema.properties.round,
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
          required: ['circuitId', 'input', 'maxFee', 'deadline', 'nonce', 'requestSignature'],
          additionalProperties: false,
          properties: {
            circuitId: d(
              { type: 'string', maxLength: 66 },
              'The circuit id (0x + 64 hex) from GET /v1/circuits.',
            ),
            input: d(
              { type: 'object' },
              "The circuit's input signals (checked against them before anything is stored).",
            ),
            maxFee: d(wei, 'The most you pay, wei (decimal string).'),
            deadline: { type: 'integer', minimum: 0, description: 'When the job expires, unix seconds.' },
            nonce: d(wei, 'A nonce reserved with POST /v1/requesters/me/nonces.'),
            requestSignature: d(
              { type: 'string', maxLength: 300 },
              "The requester's EIP-712 signature (0x hex) of the JobRequest; its digest becomes chainJobId.",
            ),
            webhookUrl: d({ type: 'string', maxLength: 2048 }, 'Optional: where status changes are POSTed.'),
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
              items: { type: 'array', items: jobSummarySchema, description: 'Newest first.' },
              nextCursor: nullable(
                { type: 'string' },
                'Pass as `cursor` for the next page; null on the last.',
              ),
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
