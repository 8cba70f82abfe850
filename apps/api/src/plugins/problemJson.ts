import { type ErrorCode, errorCodes, isTenderError } from '@tender/core';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

/** An RFC 9457 problem document as Tender sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  details?: Record<string, unknown>;
}

/** JSON schema of a problem document, for route response schemas and OpenAPI. */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

const PROBLEM_BASE = 'https://tender.dev/problems/';

function send(reply: FastifyReply, problem: Problem) {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

function problemOf(code: ErrorCode, detail: string, url: string, details?: Record<string, unknown>): Problem {
  const problem: Problem = {
    type:
      PROBLEM_BASE +
      code
        .toLowerCase()
        .replace(/^tender_/, '')
        .replaceAll('_', '-'),
    title: code,
    status: errorCodes[code],
    code,
    detail,
    instance: url,
  };
  if (details && Object.keys(details).length > 0) problem.details = details;
  return problem;
}

/**
 * Makes every error answer `application/problem+json` with a stable `code`:
 * TenderErrors keep their code and status, schema validation failures become
 * TENDER_VALIDATION_FAILED naming the field, unknown routes TENDER_NOT_FOUND,
 * and anything else a 500 TENDER_INTERNAL that leaks no internals.
 */
export function registerProblemJson(app: FastifyInstance): void {
  app.addSchema(problemSchema);
  app.setNotFoundHandler((request, reply) =>
    send(reply, problemOf('TENDER_NOT_FOUND', `no route ${request.method} ${request.url}`, request.url)),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isTenderError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return send(reply, problemOf(error.code, error.message, request.url, { ...error.details }));
    }
    if (error.validation) {
      const first = error.validation[0];
      const where = error.validationContext ?? 'request';
      const path = first?.instancePath ? `${where}${first.instancePath.replaceAll('/', '.')}` : where;
      const field =
        first?.params && 'missingProperty' in first.params
          ? `${path}.${String(first.params.missingProperty)}`
          : first?.params && 'additionalProperty' in first.params
            ? `${path}.${String(first.params.additionalProperty)}`
            : path;
      return send(
        reply,
        problemOf('TENDER_VALIDATION_FAILED', `${field}: ${first?.message ?? 'invalid'}`, request.url, {
          field,
          errors: error.validation.map((v) => ({
            path: v.instancePath,
            message: v.message,
            params: v.params,
          })),
        }),
      );
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code: ErrorCode =
        status === 404
          ? 'TENDER_NOT_FOUND'
          : status === 401
            ? 'TENDER_UNAUTHORIZED'
            : 'TENDER_VALIDATION_FAILED';
      const problem = problemOf(code, error.message, request.url, { fastifyCode: error.code });
      problem.status = status;
      return send(reply, problem);
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, problemOf('TENDER_INTERNAL', 'internal error', request.url));
  });
}
