import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether fastify's `trustProxy` is set (TRUST_PROXY): `request.ip` then comes from proxy headers. */
    trustsProxy: boolean;
  }
}

/** Headers by which a proxy (or a client pretending to be one) names another client address. */
const PROXY_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
] as const;

/**
 * Parses `TRUST_PROXY` into fastify's `trustProxy`: unset/`false` = off (the
 * socket's address is the client), `true` = trust every hop, else a
 * comma-separated list of addresses/CIDRs to trust.
 */
export function parseTrustProxy(value: string | undefined): FastifyServerOptions['trustProxy'] {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') return true;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Records whether the instance trusts a proxy, for {@link clientAddress}. */
export function registerClientAddress(
  app: FastifyInstance,
  trustProxy: FastifyServerOptions['trustProxy'],
): void {
  app.decorate('trustsProxy', trustProxy !== undefined && trustProxy !== false);
}

/**
 * The client's address, one rule for every proxy header: `request.ip`, which
 * fastify derives from `X-Forwarded-For` only through the configured
 * `trustProxy`. When no proxy is trusted and the request carries any proxy
 * header (`Forwarded`, `X-Forwarded-For`, `X-Real-IP`, …), the real client is
 * unknown: undefined, so an address-based rule (loopback-only) never lets it in.
 */
export function clientAddress(request: FastifyRequest): string | undefined {
  if (!request.server.trustsProxy && PROXY_HEADERS.some((h) => request.headers[h] !== undefined))
    return undefined;
  return request.ip;
}
