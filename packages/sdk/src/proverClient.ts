import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LocalAccount } from 'viem';
import { createSiweMessage } from 'viem/siwe';
import { proofHashOf, publicSignalsHashOf } from './proverHashes.ts';
import { type BackoffOptions, parseSse, proverBackoffMs, sleepUnlessAborted } from './proverSse.ts';
import { proverBidTypes, proverProofSubmissionTypes } from './proverTypedData.ts';
import type {
  ArtifactKind,
  BidReceipt,
  Groth16ProofJson,
  Hex,
  InvitationEvent,
  ProverCapacity,
  ProverEvent,
  ProverProfile,
  ProverSession,
} from './proverTypes.ts';
import { TenderApiError } from './requesterErrors.ts';
import { marketDomain } from './requesterTypedData.ts';
import type { MarketView } from './requesterTypes.ts';

/** Options of {@link ProverClient}. */
export interface ProverClientOptions {
  /** The api's base URL, e.g. `http://127.0.0.1:8080`. Its host is the SIWE domain. */
  baseUrl: string;
  /** The prover's key: signs the sign-in message, bids and proof submissions. */
  account: LocalAccount;
  /** `fetch` to use (default the global one). */
  fetch?: typeof fetch;
}

/** Options of {@link ProverClient.events}. */
export interface ProverEventsOptions extends BackoffOptions {
  /** Stops the stream (the iterator then returns). */
  signal?: AbortSignal;
  /** Called with each connection failure before the next attempt. */
  onError?: (error: unknown) => void;
  /** Called each time the stream (re)connects. */
  onConnect?: () => void;
}

const EVENT_TYPES = new Set(['invitation', 'award', 'cancellation']);
const ARTIFACT_EXT: Record<ArtifactKind, string> = { wasm: 'wasm', zkey: 'zkey', vkey: 'vkey.json' };
/** Renew the session this long before it expires. */
const RENEW_BEFORE_MS = 60_000;

const hex64 = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const v = value.replace(/^W\//, '').replaceAll('"', '').replace(/^0x/, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(v) ? v : undefined;
};

/**
 * The prover side of the Tender api: sign-in (EIP-4361), registration,
 * heartbeats, the event stream, EIP-712 signed bids and proof submissions,
 * and verified artifact downloads. The session token is obtained on first use
 * and renewed before it expires (or after a 401).
 *
 * @example
 * const client = new ProverClient({ baseUrl: 'http://127.0.0.1:8080', account: privateKeyToAccount(key) });
 * await client.register({ kind: 'cpu', maxConcurrency: 1, memoryMb: 4096, maxConstraints: 100_000 });
 * for await (const event of client.events()) {
 *   if (event.type === 'invitation') await client.bid(event, { price: 10n ** 15n, etaMs: 5_000 });
 * }
 */
export class ProverClient {
  readonly baseUrl: string;
  readonly account: LocalAccount;
  readonly #fetch: typeof fetch;
  #session: ProverSession | undefined;
  #signingIn: Promise<ProverSession> | undefined;
  #market: Promise<MarketView> | undefined;

  constructor(opts: ProverClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.account = opts.account;
    this.#fetch = opts.fetch ?? fetch;
  }

  /** The prover's address. */
  get address(): Hex {
    return this.account.address;
  }

  /** `GET /v1/market`: chain id and contract addresses (cached after the first call). */
  market(): Promise<MarketView> {
    this.#market ??= this.#json<MarketView>('GET', '/v1/market', undefined, false).catch((error) => {
      this.#market = undefined;
      throw error;
    });
    return this.#market;
  }

  /**
   * Signs in with an EIP-4361 message (domain = the base URL's host, chain id
   * from `GET /v1/market`, nonce from `GET /v1/provers/session/nonce`) and
   * keeps the returned bearer token for later calls.
   */
  async signIn(): Promise<ProverSession> {
    this.#signingIn ??= (async () => {
      const [{ nonce }, { chainId }] = await Promise.all([
        this.#json<{ nonce: string }>('GET', '/v1/provers/session/nonce', undefined, false),
        this.market(),
      ]);
      const url = new URL(this.baseUrl);
      const issuedAt = new Date();
      const message = createSiweMessage({
        address: this.account.address,
        chainId,
        domain: url.host,
        nonce,
        uri: url.origin,
        version: '1',
        issuedAt,
        expirationTime: new Date(issuedAt.getTime() + 5 * 60_000),
        statement: 'Sign in to Tender as a prover.',
      });
      const signature = await this.account.signMessage({ message });
      const session = await this.#json<ProverSession>(
        'POST',
        '/v1/provers/session',
        { message, signature },
        false,
      );
      this.#session = session;
      return session;
    })().finally(() => {
      this.#signingIn = undefined;
    });
    return this.#signingIn;
  }

  /** Registers the prover or updates its capacity (`POST /v1/provers`); needs the minimum stake on-chain. */
  register(capacity: ProverCapacity): Promise<ProverProfile> {
    const body: Record<string, unknown> = {
      kind: capacity.kind,
      maxConcurrency: capacity.maxConcurrency,
      memoryMb: capacity.memoryMb,
      maxConstraints: capacity.maxConstraints,
      cachedCircuitIds: capacity.cachedCircuitIds ?? [],
      priceFloorWei: (capacity.priceFloorWei ?? 0n).toString(),
    };
    if (capacity.name !== undefined) body.name = capacity.name;
    return this.#json('POST', '/v1/provers', body);
  }

  /** The registered prover (`GET /v1/provers/me`). */
  me(): Promise<ProverProfile> {
    return this.#json('GET', '/v1/provers/me');
  }

  /** Tells the market the prover is alive, optionally with the circuits it now caches. */
  async heartbeat(update: { cachedCircuitIds?: string[] } = {}): Promise<void> {
    await this.#json('POST', '/v1/provers/me/heartbeat', update);
  }

  /**
   * The prover's event stream (`GET /v1/provers/me/events`): pending
   * invitations and awards first, then live events. Reconnects with
   * exponential backoff when the connection drops or fails (signing in again
   * on a 401); the same event may arrive twice across a reconnect, so
   * handle them idempotently (by auction / assignment id). Ends when
   * `signal` aborts.
   */
  async *events(opts: ProverEventsOptions = {}): AsyncGenerator<ProverEvent> {
    const { signal } = opts;
    let attempt = 0;
    while (!signal?.aborted) {
      try {
        const res = await this.#send('GET', '/v1/provers/me/events', undefined, true, {
          accept: 'text/event-stream',
          signal,
        });
        if (!res.body) throw new Error('event stream without a body');
        opts.onConnect?.();
        attempt = 0;
        for await (const message of parseSse(res.body)) {
          if (!EVENT_TYPES.has(message.event)) continue;
          yield JSON.parse(message.data) as ProverEvent;
        }
        if (!signal?.aborted) opts.onError?.(new Error('event stream ended'));
      } catch (error) {
        if (signal?.aborted) return;
        opts.onError?.(error);
      }
      await sleepUnlessAborted(proverBackoffMs(attempt++, opts), signal);
    }
  }

  /**
   * Signs and places a bid on an invitation: EIP-712
   * `Bid(jobId = invitation.chainJobId, price, etaMs, expiresAt, prover)`.
   * `expiresAt` (unix seconds) defaults to two minutes after the auction closes.
   */
  async bid(
    invitation: Pick<InvitationEvent, 'auctionId' | 'chainJobId' | 'closesAt'>,
    terms: { price: bigint; etaMs: number; expiresAt?: number },
  ): Promise<BidReceipt> {
    const { chainId, market } = await this.market();
    const expiresAt = terms.expiresAt ?? Math.ceil(invitation.closesAt / 1000) + 120;
    const signature = await this.account.signTypedData({
      domain: marketDomain(chainId, market),
      types: proverBidTypes,
      primaryType: 'Bid',
      message: {
        jobId: invitation.chainJobId,
        price: terms.price,
        etaMs: BigInt(terms.etaMs),
        expiresAt: BigInt(expiresAt),
        prover: this.account.address,
      },
    });
    return this.#json('POST', `/v1/auctions/${encodeURIComponent(invitation.auctionId)}/bids`, {
      price: terms.price.toString(),
      etaMs: terms.etaMs,
      expiresAt,
      signature,
    });
  }

  /**
   * Signs and submits a proof: EIP-712 `ProofSubmission(jobId = chainJobId,
   * circuitId, proofHash, publicSignalsHash, prover)` with the hashes computed
   * as the contract does ({@link proofHashOf}, {@link publicSignalsHashOf}).
   * Throws a {@link TenderApiError} with code `TENDER_PROOF_INVALID` (422)
   * when the api rejects the proof.
   */
  async submitProof(
    jobId: string,
    chainJobId: Hex,
    circuitId: string,
    proof: Groth16ProofJson,
    publicSignals: readonly string[],
  ): Promise<{ status: 'valid' }> {
    const { chainId, market } = await this.market();
    const signature = await this.account.signTypedData({
      domain: marketDomain(chainId, market),
      types: proverProofSubmissionTypes,
      primaryType: 'ProofSubmission',
      message: {
        jobId: chainJobId,
        circuitId: circuitId as Hex,
        proofHash: proofHashOf(proof),
        publicSignalsHash: publicSignalsHashOf(publicSignals),
        prover: this.account.address,
      },
    });
    return this.#json('POST', `/v1/jobs/${encodeURIComponent(jobId)}/proof`, {
      proof,
      publicSignals,
      signature,
    });
  }

  /**
   * Says proving started (`POST /v1/assignments/:id/start`): the assignment and the job show
   * `proving` to the requester and the operator. Idempotent.
   */
  async startProving(assignmentId: string): Promise<void> {
    await this.#json('POST', `/v1/assignments/${encodeURIComponent(assignmentId)}/start`, {});
  }

  /** Gives an assignment back (`POST /v1/assignments/:id/abandon`): the job is re-auctioned. */
  async abandon(assignmentId: string): Promise<void> {
    await this.#json('POST', `/v1/assignments/${encodeURIComponent(assignmentId)}/abandon`, {});
  }

  /**
   * Downloads a circuit artifact into the content-addressed cache folder
   * `cacheDir` as `<sha256>.<ext>` and returns its path. The bytes' sha256
   * must equal the response's ETag and the hash the circuit lists for that
   * artifact (`GET /v1/circuits/:id`); otherwise nothing is kept and a
   * `TenderApiError` with code `TENDER_ARTIFACT_INVALID` is thrown. An
   * artifact already in the cache is not downloaded again.
   */
  async downloadArtifact(circuitId: string, kind: ArtifactKind, cacheDir: string): Promise<string> {
    const circuit = await this.#json<Record<string, unknown>>(
      'GET',
      `/v1/circuits/${encodeURIComponent(circuitId)}`,
      undefined,
      false,
    );
    const nested = circuit.artifacts as Record<string, { sha256?: unknown }> | undefined;
    const expected = hex64(circuit[`${kind}Sha256`]) ?? hex64(nested?.[kind]?.sha256);
    if (expected) {
      const cached = path.join(cacheDir, `${expected}.${ARTIFACT_EXT[kind]}`);
      if (await exists(cached)) return cached;
    }
    const res = await this.#send(
      'GET',
      `/v1/circuits/${encodeURIComponent(circuitId)}/artifacts/${kind}`,
      undefined,
      false,
    );
    const etag = hex64(res.headers.get('etag'));
    await mkdir(cacheDir, { recursive: true });
    const tmp = path.join(cacheDir, `.download-${randomBytes(6).toString('hex')}`);
    try {
      const hash = createHash('sha256');
      const body = Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0]);
      body.on('data', (chunk: Buffer) => hash.update(chunk));
      await pipeline(body, createWriteStream(tmp));
      const actual = hash.digest('hex');
      const want = expected ?? etag;
      if (!want || actual !== want || (etag && etag !== actual)) {
        throw new TenderApiError({
          status: 422,
          code: 'TENDER_ARTIFACT_INVALID',
          detail: `${kind} of circuit ${circuitId} does not match its sha256`,
          details: { expected: want ?? null, etag: etag ?? null, actual },
        });
      }
      const target = path.join(cacheDir, `${actual}.${ARTIFACT_EXT[kind]}`);
      await rename(tmp, target);
      return target;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async #token(): Promise<string> {
    const session = this.#session;
    if (session && Date.parse(session.expiresAt) - Date.now() > RENEW_BEFORE_MS) return session.token;
    return (await this.signIn()).token;
  }

  async #send(
    method: string,
    route: string,
    body: unknown,
    auth: boolean,
    extra: { accept?: string; signal?: AbortSignal | undefined } = {},
  ): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: extra.accept ?? 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (auth) headers.authorization = `Bearer ${await this.#token()}`;
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = JSON.stringify(body);
      if (extra.signal) init.signal = extra.signal;
      const res = await this.#fetch(`${this.baseUrl}${route}`, init);
      if (res.ok) return res;
      if (res.status === 401 && auth && attempt === 0) {
        await res.body?.cancel();
        this.#session = undefined;
        continue;
      }
      throw await TenderApiError.fromResponse(res);
    }
  }

  async #json<T>(method: string, route: string, body?: unknown, auth = true): Promise<T> {
    const res = await this.#send(method, route, body, auth);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}
