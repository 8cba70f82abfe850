import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { verifySessionToken } from './proverAuth.ts';

/** Request limits of the api (see {@link registerLimits}). */
export interface ApiLimits {
  /** Per-client rate limit, counted in Redis (shared by api replicas); omitted = no rate limit. */
  rateLimit?: {
    redis: Redis;
    /** Prefix of the counters' Redis keys. */
    prefix: string;
    /** Requests per window and client (RATE_LIMIT_MAX). */
    max: number;
    /** Window length, ms (RATE_LIMIT_WINDOW_MS). */
    windowMs: number;
    /** Secret of prover session tokens, to count a prover by its address rather than by token. */
    sessionSecret?: string;
  };
  /** Answer 503 TENDER_OVERLOADED while the event loop lags more than this, ms (MAX_EVENT_LOOP_DELAY_MS; 0 = off). */
  maxEventLoopDelayMs?: number;
  /** How often the event loop delay is sampled, ms (tests). */
  sampleIntervalMs?: number;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/**
 * Who a request counts against: a signed-in prover by its address, any other
 * bearer credential (requester API key, operator token) by its hash, and
 * everyone else by client address (`request.ip`, through TRUST_PROXY).
 */
export function rateLimitKey(request: FastifyRequest, sessionSecret?: string): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  const token = match?.[1];
  if (token === undefined) return `ip:${request.ip}`;
  if (sessionSecret !== undefined) {
    const prover = verifySessionToken(sessionSecret, token, Date.now());
    if (prover !== null) return `prover:${prover.toLowerCase()}`;
  }
  return `key:${digest(token)}`;
}

/**
 * Security headers (`@fastify/helmet`; the dashboard sets its own CSP),
 * 503 problem+json with Retry-After when the event loop lags
 * (`@fastify/under-pressure`), and a per-client rate limit in Redis
 * (`@fastify/rate-limit`: 429 TENDER_RATE_LIMITED with Retry-After and
 * `x-ratelimit-*` headers). Register before the routes.
 */
export async function registerLimits(app: FastifyInstance, limits: ApiLimits = {}): Promise<void> {
  await app.register(helmet, { contentSecurityPolicy: false, global: true });
  if (limits.maxEventLoopDelayMs) {
    await app.register(underPressure, {
      maxEventLoopDelay: limits.maxEventLoopDelayMs,
      ...(limits.sampleIntervalMs === undefined ? {} : { sampleInterval: limits.sampleIntervalMs }),
      exposeStatusRoute: false,
      // the default answer: next(503 error) → the error handler's TENDER_OVERLOADED problem
      retryAfter: 5,
    });
  }
  const rl = limits.rateLimit;
  if (rl) {
    await app.register(rateLimit, {
      global: true,
      max: rl.max,
      timeWindow: rl.windowMs,
      redis: rl.redis,
      nameSpace: `${rl.prefix}ratelimit:`,
      keyGenerator: (request) => rateLimitKey(request, rl.sessionSecret),
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        code: 'TENDER_RATE_LIMITED',
        message: `rate limit of ${context.max} requests per ${context.after} exceeded, retry in ${context.after}`,
      }),
    });
  }
}
