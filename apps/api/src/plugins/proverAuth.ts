import { createHmac, timingSafeEqual } from 'node:crypto';
import { TenderError } from '@tender/core';
import { recoverMessageSigner } from '@tender/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Address, getAddress, type Hex } from 'viem';
import { generateSiweNonce, parseSiweMessage, validateSiweMessage } from 'viem/siwe';
import type { ApiContext } from '../context.ts';

/** How long a sign-in nonce stays usable (seconds). */
export const SIWE_NONCE_TTL_S = 300;
/** How long a prover session token is valid (ms). */
export const PROVER_SESSION_TTL_MS = 3_600_000;

const TOKEN_VERSION = 'v1';

const nonceKey = (ctx: Pick<ApiContext, 'redisPrefix'>, nonce: string) => `${ctx.redisPrefix}:siwe:${nonce}`;

/**
 * Issues a single-use EIP-4361 nonce, kept in Redis under `<prefix>:siwe:<nonce>`
 * for {@link SIWE_NONCE_TTL_S} seconds.
 */
export async function issueSiweNonce(ctx: Pick<ApiContext, 'redis' | 'redisPrefix'>): Promise<string> {
  const nonce = generateSiweNonce();
  await ctx.redis.set(nonceKey(ctx, nonce), '1', 'EX', SIWE_NONCE_TTL_S);
  return nonce;
}

/** A signed-in prover's session. */
export interface ProverSessionGrant {
  token: string;
  /** ms since epoch. */
  expiresAt: number;
  /** Checksummed address of the signer. */
  address: Address;
}

const unauthorized = (reason: string, message: string): never => {
  throw new TenderError('TENDER_UNAUTHORIZED', message, { details: { reason } });
};

/**
 * Verifies an EIP-4361 sign-in and returns its signer. The message must
 * parse, name this api's host (`ctx.publicUrl`) as its domain and the
 * deployment's chain id, be within its validity window (the market clock),
 * carry a nonce issued by {@link issueSiweNonce} that is still unused, and be
 * signed by its address. The nonce is consumed atomically, so a replay fails.
 *
 * Provers and requesters sign in through this one check.
 *
 * @throws TenderError `TENDER_UNAUTHORIZED` (details.reason: malformed, domain_mismatch,
 *   chain_mismatch, expired, nonce_unknown) or `TENDER_SIGNATURE_INVALID`.
 */
export async function verifySiweSignIn(
  ctx: Pick<ApiContext, 'redis' | 'redisPrefix' | 'publicUrl' | 'market'>,
  input: { message: string; signature: Hex },
): Promise<{ address: Address; now: number }> {
  const fields = parseSiweMessage(input.message);
  if (!fields.address || !fields.domain || !fields.nonce || !fields.uri || fields.chainId === undefined) {
    unauthorized('malformed', 'not an EIP-4361 sign-in message');
  }
  const domain = new URL(ctx.publicUrl).host;
  if (fields.domain !== domain) {
    unauthorized('domain_mismatch', `sign-in message is for ${fields.domain}, this api is ${domain}`);
  }
  if (fields.chainId !== ctx.market.deployment.chainId) {
    unauthorized('chain_mismatch', `sign-in message is for chain ${fields.chainId}`);
  }
  const now = ctx.market.now();
  if (!validateSiweMessage({ message: fields, domain, time: new Date(now) })) {
    unauthorized('expired', 'sign-in message is expired, not yet valid or malformed');
  }
  const address = getAddress(fields.address!);
  // The same signature rule as every other signature the api takes (low-s, 65 bytes, v 27/28).
  if ((await recoverMessageSigner(input.message, input.signature)) !== address) {
    throw new TenderError('TENDER_SIGNATURE_INVALID', 'sign-in message is not signed by its address');
  }
  if ((await ctx.redis.del(nonceKey(ctx, fields.nonce!))) !== 1) {
    unauthorized('nonce_unknown', 'sign-in nonce is unknown, expired or already used');
  }
  return { address, now };
}

/** Verifies a prover's EIP-4361 sign-in ({@link verifySiweSignIn}) and grants a session token. */
export async function signInProver(
  ctx: Pick<ApiContext, 'redis' | 'redisPrefix' | 'publicUrl' | 'sessionSecret' | 'market'>,
  input: { message: string; signature: Hex },
): Promise<ProverSessionGrant> {
  const { address, now } = await verifySiweSignIn(ctx, input);
  const expiresAt = now + PROVER_SESSION_TTL_MS;
  return { token: issueSessionToken(ctx.sessionSecret, address, expiresAt), expiresAt, address };
}

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const mac = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(`${TOKEN_VERSION}.${payload}`).digest();

/**
 * A session token: `v1.<base64url {"sub": address, "exp": ms, "aud"?}>.<base64url HMAC-SHA256>`
 * keyed with the api's session secret. Stateless; valid until `expiresAt` (ms). Prover tokens have
 * no `aud`; requester tokens have `aud: "requester"`, so neither opens the other's routes.
 */
export function issueSessionToken(
  secret: string,
  address: Address,
  expiresAt: number,
  audience?: 'requester',
): string {
  const claims = { sub: address.toLowerCase(), exp: expiresAt, ...(audience ? { aud: audience } : {}) };
  const payload = b64(JSON.stringify(claims));
  return `${TOKEN_VERSION}.${payload}.${b64(mac(secret, payload))}`;
}

/**
 * The address a session token was granted to, or `null` when the token is
 * malformed, signed with another secret, expired at `now` (ms), or for another
 * audience (none = prover).
 */
export function verifySessionToken(
  secret: string,
  token: string,
  now: number,
  audience?: 'requester',
): Address | null {
  const [version, payload, signature, ...rest] = token.split('.');
  if (version !== TOKEN_VERSION || !payload || !signature || rest.length > 0) return null;
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      sub?: unknown;
      exp?: unknown;
      aud?: unknown;
    };
    if (claims.aud !== audience) return null;
    if (typeof claims.sub !== 'string' || !/^0x[0-9a-f]{40}$/.test(claims.sub)) return null;
    if (typeof claims.exp !== 'number' || !(now < claims.exp)) return null;
    return getAddress(claims.sub);
  } catch {
    return null;
  }
}

const signedIn = new WeakMap<FastifyRequest, Address>();

/**
 * A `preHandler` for prover routes: requires `Authorization: Bearer <session
 * token>` (from `POST /v1/provers/session`), else 401 `TENDER_UNAUTHORIZED`.
 * Read the signer with {@link proverAddressOf}.
 */
export function requireProver(ctx: Pick<ApiContext, 'sessionSecret' | 'market'>) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new TenderError('TENDER_UNAUTHORIZED', 'prover session token required (Authorization: Bearer …)');
    }
    const address = verifySessionToken(ctx.sessionSecret, match[1]!, ctx.market.now());
    if (!address) throw new TenderError('TENDER_UNAUTHORIZED', 'prover session token is invalid or expired');
    signedIn.set(request, address);
  };
}

/** The signed-in prover's address on a route guarded by {@link requireProver}. */
export function proverAddressOf(request: FastifyRequest): Address {
  const address = signedIn.get(request);
  if (!address) throw new TenderError('TENDER_UNAUTHORIZED', 'prover session token required');
  return address;
}

/** The `headers` schema of every prover route (documents the session bearer token in OpenAPI). */
export const proverAuthHeaders = {
  type: 'object',
  properties: { authorization: { type: 'string', description: 'Bearer <prover session token>' } },
} as const;
