import type { Address, Hex, LocalAccount } from 'viem';
import { createSiweMessage } from 'viem/siwe';
import { TenderApiError } from './requesterErrors.ts';
import type { MarketView } from './requesterTypes.ts';

/** What `POST /v1/requesters/session` answers: a bearer token for the requester api. */
export interface RequesterSession {
  /** Use as `Authorization: Bearer <token>` (e.g. `new TenderClient({ apiKey: token })`). */
  token: string;
  /** ISO 8601. */
  expiresAt: string;
  address: Address;
  requesterId: string;
}

/** Scopes an API key may carry: `submit` (register circuits, submit and cancel jobs) and `read`. */
export type ApiKeyScope = 'submit' | 'read';

/** An API key as listed (`GET /v1/requesters/me/keys`); the secret is never shown again. */
export interface ApiKeyView {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A freshly created API key (`POST /v1/requesters/me/keys`): `key` is shown this once. */
export interface CreatedApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  /** The secret (`tnd_…`); store it now. */
  key: string;
  createdAt: string;
}

/** Options of {@link signInRequester}. */
export interface RequesterSignInOptions {
  /** The api, e.g. `https://api.example.org`. Its host is the sign-in domain. */
  baseUrl: string;
  /** The requester's key: the address it signs with becomes the requester. */
  account: LocalAccount;
  fetch?: typeof fetch;
  /** How long the signed message stays valid (default 5 minutes). */
  validForMs?: number;
}

async function json<T>(f: typeof fetch, url: string, init?: RequestInit): Promise<T> {
  const res = await f(url, init);
  if (!res.ok) throw await TenderApiError.fromResponse(res);
  return (await res.json()) as T;
}

/**
 * Signs in as a requester with Sign-In with Ethereum (EIP-4361): fetches a
 * nonce (`GET /v1/requesters/session/nonce`) and the market's chain id
 * (`GET /v1/market`), signs the message with `account` (domain = the api's
 * host) and exchanges it for a bearer token. The first sign-in of an address
 * creates its requester.
 *
 * @example
 * const session = await signInRequester({ baseUrl, account: privateKeyToAccount(key) });
 * const client = new TenderClient({ baseUrl, apiKey: session.token, account });
 * const { key } = await client.createApiKey({ name: 'ci', scopes: ['submit', 'read'] });
 */
export async function signInRequester(opts: RequesterSignInOptions): Promise<RequesterSession> {
  const f = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const base = opts.baseUrl.replace(/\/+$/, '');
  const [{ nonce }, { chainId }] = await Promise.all([
    json<{ nonce: string }>(f, `${base}/v1/requesters/session/nonce`),
    json<MarketView>(f, `${base}/v1/market`),
  ]);
  const url = new URL(base);
  const issuedAt = new Date();
  const message = createSiweMessage({
    address: opts.account.address,
    chainId,
    domain: url.host,
    nonce,
    uri: url.origin,
    version: '1',
    issuedAt,
    expirationTime: new Date(issuedAt.getTime() + (opts.validForMs ?? 5 * 60_000)),
    statement: 'Sign in to Tender as a requester.',
  });
  const signature: Hex = await opts.account.signMessage({ message });
  return json<RequesterSession>(f, `${base}/v1/requesters/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, signature }),
  });
}
