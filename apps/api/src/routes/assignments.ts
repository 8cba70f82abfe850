import { abandonAssignment, startProving } from '@tender/market';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import { proverAddressOf, proverAuthHeaders, requireProver } from '../plugins/proverAuth.ts';

const problem = { $ref: 'Problem#' } as const;

const abandonSchema = {
  tags: ['provers'],
  security: [{ proverSession: [] }],
  summary: 'Give an assignment back (the job is re-auctioned without this prover)',
  headers: proverAuthHeaders,
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', format: 'uuid', description: 'assignment id (from the award)' } },
  },
  response: {
    200: {
      type: 'object',
      required: ['assignmentId', 'status'],
      properties: { assignmentId: { type: 'string' }, status: { type: 'string', enum: ['abandoned'] } },
    },
    401: problem,
    403: problem,
    404: problem,
    409: problem,
  },
} as const;

const startSchema = {
  tags: ['provers'],
  security: [{ proverSession: [] }],
  summary: 'Say proving started (the assignment and the job move to `proving`)',
  headers: proverAuthHeaders,
  params: abandonSchema.params,
  response: {
    200: {
      type: 'object',
      required: ['assignmentId', 'status'],
      properties: { assignmentId: { type: 'string' }, status: { type: 'string', enum: ['proving'] } },
    },
    401: problem,
    403: problem,
    404: problem,
    409: problem,
  },
} as const;

/**
 * `POST /v1/assignments/:id/start`: the assigned prover says it started (→ market `startProving`);
 * `POST /v1/assignments/:id/abandon`: the assigned prover gives the job back (→ market `abandonAssignment`).
 */
export function assignmentRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Params: { id: string } }>(
    '/v1/assignments/:id/start',
    { schema: startSchema, preHandler: requireProver(ctx) },
    async (request) =>
      startProving(ctx.market, { assignmentId: request.params.id, proverAddress: proverAddressOf(request) }),
  );
  app.post<{ Params: { id: string } }>(
    '/v1/assignments/:id/abandon',
    { schema: abandonSchema, preHandler: requireProver(ctx) },
    async (request) => {
      await abandonAssignment(ctx.market, {
        assignmentId: request.params.id,
        proverAddress: proverAddressOf(request),
      });
      return { assignmentId: request.params.id, status: 'abandoned' as const };
    },
  );
}
