import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TenderError } from '@tender/core';
import type { Requester } from '@tender/db';
import type { RequesterView } from '@tender/sdk';
import { type Address, getAddress, isAddress } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';

/**
 * API keys look like `tnd_<12 hex>_<secret>`: the `tnd_<12 hex>` part is the
 * public lookup prefix (stored, shown in listings), the whole key is stored
 * only as its sha256.
 */
const API_KEY = /^(tnd_[0-9a-f]{12})_([A-Za-z0-9_-]{32,128})$/;

/** Who an API key belongs to, as the requester routes see it. */
export interface RequesterPrincipal {
  requesterId: string;
  name: string;
  /** The requester's signing address (lowercase), or null if it has none. */
  address: Address | null;
  /** The API key used, or null for a sign-in session token. */
  apiKeyId: string | null;
  /** What the caller may do: `read` (GET routes), `submit` (writes). A session token has both. */
  scopes: ApiKeyScope[];
}

/** What an API key may do: `read` for GET routes, `submit` for jobs, cancels, nonces and circuits. */
export type ApiKeyScope = 'submit' | 'read';

/** Every scope, in a stable order. */
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['submit', 'read'];

/** A fresh random API key (`tnd_<prefix>_<secret>`, 256-bit secret). */
export function generateApiKey(): string {
  return `tnd_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
}

/** The lookup prefix of a well-formed API key, or null. */
export function apiKeyPrefix(key: string): string | null {
  return API_KEY.exec(key)?.[1] ?? null;
}

const sha256Hex = (key: string) => createHash('sha256').update(key).digest('hex');

/** sha256 hex of an API key: what is stored instead of the key. */
export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

function normalizeAddress(address: string): Address {
  if (!isAddress(address, { strict: false })) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'address is not an EVM address', {
      details: { field: 'address', address },
    });
  }
  return address.toLowerCase() as Address;
}

/** A Requester row as the api shows it. */
export function toRequesterView(r: Requester): RequesterView {
  return {
    id: r.id,
    name: r.name,
    address: r.address === null ? null : getAddress(r.address),
    nextNonce: r.nextNonce.toString(),
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * Creates a requester with its signing `address` and a first API key. The
 * key is returned once and stored only as its sha256. Throws `TENDER_CONFLICT`
 * when a requester with that address exists.
 *
 * @example
 * const { requester, apiKey } = await createRequester(deps, { name: 'acme', address: account.address });
 */
export async function createRequester(
  deps: Pick<MarketDeps, 'prisma'>,
  input: { name: string; address: string; keyName?: string },
): Promise<{ requester: RequesterView; apiKey: string }> {
  const address = normalizeAddress(input.address);
  const apiKey = generateApiKey();
  const prefix = apiKeyPrefix(apiKey) as string;
  const existing = await deps.prisma.requester.findUnique({ where: { address } });
  if (existing !== null) {
    throw new TenderError('TENDER_CONFLICT', 'a requester with this address exists', {
      details: { address },
    });
  }
  const requester = await deps.prisma.requester.create({
    data: {
      name: input.name,
      address,
      apiKeys: { create: { prefix, keyHash: sha256Hex(apiKey), name: input.keyName ?? 'default' } },
    },
  });
  return { requester: toRequesterView(requester), apiKey };
}

/**
 * Makes sure a requester with `address` exists and that `apiKey` authenticates
 * as it (creating or re-pointing the key). Idempotent: what the local stack
 * calls at every start with `TENDER_DEV_API_KEY`, so the printed key keeps
 * working across restarts. Throws `TENDER_CONFIG_INVALID` for a malformed key.
 */
export async function ensureDevRequester(
  deps: Pick<MarketDeps, 'prisma'>,
  input: { apiKey: string; address: string; name: string },
): Promise<RequesterView> {
  const prefix = apiKeyPrefix(input.apiKey);
  if (prefix === null) {
    throw new TenderError(
      'TENDER_CONFIG_INVALID',
      'the development API key must look like tnd_<12 hex>_<secret>',
    );
  }
  const address = normalizeAddress(input.address);
  return deps.prisma.$transaction(async (tx) => {
    const requester = await tx.requester.upsert({
      where: { address },
      create: { name: input.name, address },
      update: {},
    });
    const keyHash = sha256Hex(input.apiKey);
    await tx.apiKey.upsert({
      where: { prefix },
      create: { prefix, keyHash, requesterId: requester.id, name: 'development' },
      update: { keyHash, requesterId: requester.id, revokedAt: null, expiresAt: null },
    });
    return toRequesterView(requester);
  });
}

const unauthorized = (why: string) =>
  new TenderError('TENDER_UNAUTHORIZED', 'a valid API key is required (Authorization: Bearer tnd_…)', {
    details: { reason: why },
  });

/**
 * Resolves an API key to its requester. Throws `TENDER_UNAUTHORIZED` (401)
 * for a malformed, unknown, revoked or expired key; compares hashes in
 * constant time. Records when the key was last used (at most once a minute).
 */
export async function authenticateApiKey(
  deps: Pick<MarketDeps, 'prisma' | 'now'>,
  key: string,
): Promise<RequesterPrincipal> {
  const prefix = apiKeyPrefix(key);
  if (prefix === null) throw unauthorized('malformed');
  const row = await deps.prisma.apiKey.findUnique({ where: { prefix }, include: { requester: true } });
  const expected = Buffer.from(row?.keyHash ?? '0'.repeat(64), 'hex');
  const actual = Buffer.from(sha256Hex(key), 'hex');
  if (row === null || !timingSafeEqual(expected, actual)) throw unauthorized('unknown');
  const now = deps.now();
  if (row.revokedAt !== null) throw unauthorized('revoked');
  if (row.expiresAt !== null && row.expiresAt.getTime() <= now) throw unauthorized('expired');
  if (row.lastUsedAt === null || now - row.lastUsedAt.getTime() > 60_000) {
    await deps.prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return {
    requesterId: row.requesterId,
    name: row.requester.name,
    address: (row.requester.address as Address | null) ?? null,
    apiKeyId: row.id,
    scopes: API_KEY_SCOPES.filter((scope) => (row.scopes ?? API_KEY_SCOPES).includes(scope)),
  };
}

/** The requester behind an authenticated call (`GET /v1/requesters/me`). */
export async function getRequesterView(
  deps: Pick<MarketDeps, 'prisma'>,
  requesterId: string,
): Promise<RequesterView> {
  const r = await deps.prisma.requester.findUnique({ where: { id: requesterId } });
  if (r === null)
    throw new TenderError('TENDER_NOT_FOUND', 'requester not found', { details: { requesterId } });
  return toRequesterView(r);
}
