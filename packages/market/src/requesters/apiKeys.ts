import { TenderError } from '@tender/core';
import type { MarketDeps } from '../deps/marketDeps.ts';
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  apiKeyPrefix,
  generateApiKey,
  hashApiKey,
} from './requesterAccounts.ts';

/** An API key as its owner sees it in listings (never the key itself). */
export interface ApiKeyView {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const MAX_KEYS = 100;

function toView(row: {
  id: string;
  name: string | null;
  scopes: string[] | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}): ApiKeyView {
  return {
    id: row.id,
    name: row.name ?? '',
    scopes: API_KEY_SCOPES.filter((scope) => (row.scopes ?? API_KEY_SCOPES).includes(scope)),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Creates an API key for a requester with a name and scopes. The key
 * (`tnd_<12 hex>_<secret>`) is returned once; only its sha256 is stored.
 * Throws `TENDER_VALIDATION_FAILED` for no or unknown scopes, and
 * `TENDER_CONFLICT` past 100 live keys.
 *
 * @example
 * const { key } = await createApiKey(deps, requesterId, { name: 'ci', scopes: ['read'] });
 */
export async function createApiKey(
  deps: Pick<MarketDeps, 'prisma'>,
  requesterId: string,
  input: { name: string; scopes: readonly string[] },
): Promise<ApiKeyView & { key: string }> {
  const unknown = input.scopes.filter((scope) => !API_KEY_SCOPES.includes(scope as ApiKeyScope));
  if (input.scopes.length === 0 || unknown.length > 0) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'scopes must be a non-empty subset of submit, read', {
      details: { field: 'scopes', unknown },
    });
  }
  const live = await deps.prisma.apiKey.count({ where: { requesterId, revokedAt: null } });
  if (live >= MAX_KEYS) {
    throw new TenderError('TENDER_CONFLICT', `at most ${MAX_KEYS} live API keys per requester`, {
      details: { live },
    });
  }
  const key = generateApiKey();
  const row = await deps.prisma.apiKey.create({
    data: {
      requesterId,
      prefix: apiKeyPrefix(key) as string,
      keyHash: hashApiKey(key),
      name: input.name,
      scopes: API_KEY_SCOPES.filter((scope) => input.scopes.includes(scope)),
    },
  });
  return { ...toView(row), key };
}

/** A requester's API keys, newest first, revoked ones included (with `revokedAt`). */
export async function listApiKeys(
  deps: Pick<MarketDeps, 'prisma'>,
  requesterId: string,
): Promise<ApiKeyView[]> {
  const rows = await deps.prisma.apiKey.findMany({
    where: { requesterId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return rows.map(toView);
}

/**
 * Revokes one of the requester's API keys; it stops authenticating at once
 * (keys are checked against the database on every request). Revoking a
 * revoked key changes nothing. Throws `TENDER_NOT_FOUND` for a key that is not
 * the requester's (or not a key id).
 */
export async function revokeApiKey(
  deps: Pick<MarketDeps, 'prisma' | 'now'>,
  requesterId: string,
  id: string,
): Promise<void> {
  const notFound = () => new TenderError('TENDER_NOT_FOUND', 'API key not found', { details: { id } });
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw notFound();
  const result = await deps.prisma.apiKey.updateMany({
    where: { id, requesterId, revokedAt: null },
    data: { revokedAt: new Date(deps.now()) },
  });
  if (result.count === 0) {
    const row = await deps.prisma.apiKey.findFirst({ where: { id, requesterId }, select: { id: true } });
    if (row === null) throw notFound();
  }
}
