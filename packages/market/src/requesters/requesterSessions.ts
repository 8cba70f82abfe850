import { TenderError } from '@tender/core';
import { type Address, getAddress } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { API_KEY_SCOPES, type RequesterPrincipal } from './requesterAccounts.ts';

/**
 * The requester bound to `address`, created on its first sign-in (named after
 * the address, no API key: the caller holds a session token and can create
 * keys). What `POST /v1/requesters/session` calls after the SIWE check.
 *
 * @example
 * const { requesterId, created } = await requesterForSignIn(deps, '0xAbC…');
 */
export async function requesterForSignIn(
  deps: Pick<MarketDeps, 'prisma'>,
  address: Address,
): Promise<{ requesterId: string; created: boolean }> {
  const lower = address.toLowerCase();
  const existing = await deps.prisma.requester.findUnique({
    where: { address: lower },
    select: { id: true },
  });
  if (existing !== null) return { requesterId: existing.id, created: false };
  // Two first sign-ins at once: the unique address lets one create, the other reads it.
  const row = await deps.prisma.requester.upsert({
    where: { address: lower },
    create: { name: getAddress(address), address: lower },
    update: {},
    select: { id: true, createdAt: true, updatedAt: true },
  });
  return { requesterId: row.id, created: true };
}

/**
 * The principal of a requester session token (all scopes). Throws
 * `TENDER_UNAUTHORIZED` when no requester is bound to the address.
 */
export async function requesterSessionPrincipal(
  deps: Pick<MarketDeps, 'prisma'>,
  address: Address,
): Promise<RequesterPrincipal> {
  const row = await deps.prisma.requester.findUnique({ where: { address: address.toLowerCase() } });
  if (row === null) {
    throw new TenderError('TENDER_UNAUTHORIZED', 'no requester is bound to this session', {
      details: { reason: 'unknown' },
    });
  }
  return {
    requesterId: row.id,
    name: row.name,
    address: row.address as Address,
    apiKeyId: null,
    scopes: [...API_KEY_SCOPES],
  };
}
