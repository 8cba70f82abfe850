import { TenderError } from '@tender/core';
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  authenticateApiKey,
  type RequesterPrincipal,
  requesterSessionPrincipal,
} from '@tender/market';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ApiContext } from '../context.ts';
import { verifySessionToken } from './proverAuth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The requester behind `Authorization: Bearer tnd_…`, set by {@link requesterAuth}. */
    requester: RequesterPrincipal | null;
  }
}

/**
 * An `onRequest` hook for requester routes: reads `Authorization: Bearer
 * tnd_…` (an API key, `authenticateApiKey`, checked against the database on
 * every request so a revocation works at once) or `Bearer v1.…` (a requester
 * session token from `POST /v1/requesters/session`, all scopes) and sets
 * `request.requester`. No or a bad credential answers 401
 * `TENDER_UNAUTHORIZED`; a key without the scope the route needs (`read` for
 * GET/HEAD, `submit` otherwise; both for `need: 'manage'`) answers 403
 * `TENDER_FORBIDDEN`. Decorates the instance the first time it is used.
 *
 * @example
 * app.get('/v1/jobs', { onRequest: requesterAuth(app, ctx), schema }, handler);
 */
export function requesterAuth(
  app: FastifyInstance,
  ctx: ApiContext,
  need?: 'manage',
): onRequestAsyncHookHandler {
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
    const credential = match[1] as string;
    let principal: RequesterPrincipal;
    if (credential.startsWith('tnd_')) {
      principal = await authenticateApiKey(ctx.market, credential);
    } else {
      const address = verifySessionToken(ctx.sessionSecret, credential, ctx.market.now(), 'requester');
      if (address === null) {
        throw new TenderError('TENDER_UNAUTHORIZED', 'requester session token is invalid or expired', {
          details: { reason: 'session_invalid' },
        });
      }
      principal = await requesterSessionPrincipal(ctx.market, address);
    }
    const required: readonly ApiKeyScope[] =
      need === 'manage'
        ? API_KEY_SCOPES
        : [request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'submit'];
    const missing = required.filter((scope) => !principal.scopes.includes(scope));
    if (missing.length > 0) {
      throw new TenderError('TENDER_FORBIDDEN', `this API key lacks the ${missing.join(' and ')} scope`, {
        details: { missing, scopes: principal.scopes },
      });
    }
    request.requester = principal;
  };
}

/** The authenticated requester of a request behind {@link requesterAuth}. */
export function requesterOf(request: FastifyRequest): RequesterPrincipal {
  if (request.requester === null) {
    throw new TenderError('TENDER_UNAUTHORIZED', 'a valid API key is required (Authorization: Bearer tnd_…)');
  }
  return request.requester;
}
