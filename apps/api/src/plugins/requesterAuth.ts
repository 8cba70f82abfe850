import { TenderError } from '@tender/core';
import { authenticateApiKey, type RequesterPrincipal } from '@tender/market';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ApiContext } from '../context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The requester behind `Authorization: Bearer tnd_…`, set by {@link requesterAuth}. */
    requester: RequesterPrincipal | null;
  }
}

/**
 * An `onRequest` hook for requester routes: reads `Authorization: Bearer
 * tnd_…`, resolves it to its requester (`authenticateApiKey`) and sets
 * `request.requester`. No or a bad key answers 401 `TENDER_UNAUTHORIZED`
 * (problem+json). Decorates the instance the first time it is used.
 *
 * @example
 * app.get('/v1/jobs', { onRequest: requesterAuth(app, ctx), schema }, handler);
 */
export function requesterAuth(app: FastifyInstance, ctx: ApiContext): onRequestAsyncHookHandler {
  if (!app.hasRequestDecorator('requester')) app.decorateRequest('requester', null);
  return async (request) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (match === null) {
      throw new TenderError(
        'TENDER_UNAUTHORIZED',
        'a valid API key is required (Authorization: Bearer tnd_…)',
        {
          details: { reason: 'missing' },
        },
      );
    }
    request.requester = await authenticateApiKey(ctx.market, match[1] as string);
  };
}

/** The authenticated requester of a request behind {@link requesterAuth}. */
export function requesterOf(request: FastifyRequest): RequesterPrincipal {
  if (request.requester === null) {
    throw new TenderError('TENDER_UNAUTHORIZED', 'a valid API key is required (Authorization: Bearer tnd_…)');
  }
  return request.requester;
}
