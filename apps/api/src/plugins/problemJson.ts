import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ErrorCode, isTenderError } from '@tender/core';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify';

/** An RFC 9457 problem document as Tender sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  details?: Record<string, unknown>;
  /** On 5xx only: the request id to look up in the api's log; nothing else about the failure is sent. */
  logId?: string;
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
    logId: { type: 'string', description: 'On 5xx: the request id in the api log' },
  },
} as const;

const PROBLEM_BASE = 'https://tender.dev/problems/';

/** The code of an error that carries only an HTTP status (the framework's, a plugin's). */
const codeOfStatus: Record<number, ErrorCode> = {
  400: 'TENDER_VALIDATION_FAILED',
  401: 'TENDER_UNAUTHORIZED',
  403: 'TENDER_FORBIDDEN',
  404: 'TENDER_NOT_FOUND',
  405: 'TENDER_METHOD_NOT_ALLOWED',
  406: 'TENDER_NOT_ACCEPTABLE',
  408: 'TENDER_REQUEST_TIMEOUT',
  409: 'TENDER_CONFLICT',
  413: 'TENDER_PAYLOAD_TOO_LARGE',
  414: 'TENDER_URI_TOO_LONG',
  415: 'TENDER_UNSUPPORTED_MEDIA_TYPE',
  416: 'TENDER_RANGE_NOT_SATISFIABLE',
  429: 'TENDER_RATE_LIMITED',
  431: 'TENDER_HEADERS_TOO_LARGE',
  503: 'TENDER_OVERLOADED',
};

/**
 * Builds the problem document for `status`/`code`. A 5xx never carries the
 * error's message or details: a generic line and the log id only.
 */
export function problemOf(
  code: ErrorCode,
  status: number,
  detail: string,
  instance: string | undefined,
  logId: string,
  details?: Record<string, unknown>,
): Problem {
  const problem: Problem = {
    type:
      PROBLEM_BASE +
      code
        .toLowerCase()
        .replace(/^tender_/, '')
        .replaceAll('_', '-'),
    title: code,
    status,
    code,
  };
  if (status >= 500) {
    problem.detail = `${STATUS_CODES[status] ?? 'Server error'} (log id ${logId})`;
    problem.logId = logId;
    return problem;
  }
  problem.detail = detail;
  if (instance !== undefined) problem.instance = instance;
  if (details && Object.keys(details).length > 0) problem.details = details;
  return problem;
}

const serializeProblem = (problem: unknown) => JSON.stringify(problem);

/** Sends a problem as is: its own serializer, so no route's response schema for that status can mangle it. */
function send(reply: FastifyReply, problem: Problem) {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .serializer(serializeProblem)
    .send(problem);
}

function fieldOf(error: FastifyError): string {
  const first = error.validation?.[0];
  const where = error.validationContext ?? 'request';
  const path = first?.instancePath ? `${where}${first.instancePath.replaceAll('/', '.')}` : where;
  if (first?.params && 'missingProperty' in first.params)
    return `${path}.${String(first.params.missingProperty)}`;
  if (first?.params && 'additionalProperty' in first.params)
    return `${path}.${String(first.params.additionalProperty)}`;
  return path;
}

/**
 * The one error path: turns any error (a TenderError, a schema validation
 * failure, a framework or plugin error carrying a status, or anything else)
 * into a problem document and sends it. 5xx are logged with the request id,
 * which is the only thing about them the caller sees.
 */
export function sendProblem(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const url = request.raw.url;
  if (isTenderError(error)) {
    if (error.status >= 500) request.log.error({ err: error }, error.message);
    return send(
      reply,
      problemOf(error.code, error.status, error.message, url, request.id, { ...error.details }),
    );
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const field = fieldOf(fastifyError);
    const first = fastifyError.validation[0];
    return send(
      reply,
      problemOf(
        'TENDER_VALIDATION_FAILED',
        400,
        `${field}: ${first?.message ?? 'invalid'}`,
        url,
        request.id,
        {
          field,
          errors: fastifyError.validation.map((v) => ({
            path: v.instancePath,
            message: v.message,
            params: v.params,
          })),
        },
      ),
    );
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // headers a library attached to its error (Content-Range on a 416 from @fastify/static)
    const headers = (error as { headers?: unknown }).headers;
    if (headers && typeof headers === 'object') {
      for (const [name, value] of Object.entries(headers)) {
        if (!/^content-(type|length)$/i.test(name) && typeof value === 'string') reply.header(name, value);
      }
    }
    const code = codeOfStatus[status] ?? 'TENDER_VALIDATION_FAILED';
    const details = fastifyError.code ? { fastifyCode: fastifyError.code } : undefined;
    return send(reply, problemOf(code, status, error.message, url, request.id, details));
  }
  if (status === 503) {
    request.log.warn({ err: error }, 'overloaded');
    return send(reply, problemOf('TENDER_OVERLOADED', 503, '', url, request.id));
  }
  request.log.error({ err: error }, 'unhandled error');
  return send(reply, problemOf('TENDER_INTERNAL', 500, '', url, request.id));
}

/**
 * Answers errors the http server raises before fastify sees a request
 * (oversized headers, a request timeout, an unparsable request line) with a
 * problem document written straight to the socket.
 */
function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code]: [number, ErrorCode] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'TENDER_HEADERS_TOO_LARGE']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'TENDER_REQUEST_TIMEOUT']
        : [400, 'TENDER_VALIDATION_FAILED'];
  const body = JSON.stringify(
    problemOf(code, status, STATUS_CODES[status] ?? 'Bad Request', undefined, randomUUID()),
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
        `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * Fastify server options that route the framework's own errors — bad
 * percent-encoding, over-long path parameters (`frameworkErrors`) and
 * client errors such as oversized headers (`clientErrorHandler`) — into
 * the same problem+json answers; request ids are random UUIDs (the log id).
 */
export const problemJsonServerOptions = {
  genReqId: () => randomUUID(),
  frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(error, request, reply),
  clientErrorHandler,
} satisfies Partial<FastifyServerOptions>;

/**
 * Makes every error answer `application/problem+json` with a stable `code`:
 * TenderErrors keep their code and status, schema validation failures become
 * TENDER_VALIDATION_FAILED naming the field, unknown routes TENDER_NOT_FOUND,
 * framework errors the code of their status, and 5xx a generic line with the
 * log id. Pair it with {@link problemJsonServerOptions} on the instance.
 */
export function registerProblemJson(app: FastifyInstance): void {
  if (!app.getSchema('Problem')) app.addSchema(problemSchema);
  app.setNotFoundHandler((request, reply) =>
    send(
      reply,
      problemOf(
        'TENDER_NOT_FOUND',
        404,
        `no route ${request.method} ${request.raw.url}`,
        request.raw.url,
        request.id,
      ),
    ),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => sendProblem(error, request, reply));
}
