// Over ~300 lines on purpose: one class is the requester api's whole surface (circuits, jobs, keys,
// escrow), each method a thin call; splitting it would split the class.
import type { Hex, LocalAccount } from 'viem';
import type { Groth16VerificationKey } from './groth16Verify.ts';
import { inputHashOf, toWireInput } from './inputHash.ts';
import { TenderApiError, TenderJobEndedError, TenderTimeoutError } from './requesterErrors.ts';
import { completeWithdrawal, depositEscrow, escrowBalance, withdrawEscrow } from './requesterEscrow.ts';
import type { ApiKeyScope, ApiKeyView, CreatedApiKey } from './requesterSession.ts';
import { readSse } from './requesterSse.ts';
import { marketDomain, signJobRequest } from './requesterTypedData.ts';
import {
  type CircuitView,
  type JobPage,
  type JobStatus,
  type JobStatusEvent,
  type JobView,
  type MarketView,
  type RequesterView,
  terminalJobStatuses,
} from './requesterTypes.ts';
import { type JobVerification, type VerifyJobOptions, verifyJob } from './verifyJob.ts';

/** Options of {@link TenderClient}. */
export interface TenderClientOptions {
  /** The api, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** `tnd_…` API key. */
  apiKey: string;
  /** The requester's key (viem `privateKeyToAccount(…)`), needed to sign job requests. */
  account?: LocalAccount;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

/** A file for {@link TenderClient.registerCircuit}: bytes, a Blob, or (vkey) the parsed JSON. */
export type CircuitFile = Uint8Array | Blob;

/** What {@link TenderClient.registerCircuit} uploads: circom's outputs and the Groth16 keys. */
export interface CircuitFiles {
  name: string;
  wasm: CircuitFile;
  zkey: CircuitFile;
  /**
   * The verification key (snarkjs JSON) as bytes, a Blob or the parsed object. The circuit id
   * covers the bytes sent: an object is sent as `JSON.stringify(vkey)`.
   */
  vkey: CircuitFile | Record<string, unknown>;
  r1cs: CircuitFile;
  sym: CircuitFile;
  modelCard?: Record<string, unknown>;
}

/** What {@link TenderClient.submitJob} takes. */
export interface SubmitJobOptions {
  circuitId: string;
  /** Circuit input keyed by signal name (bigints are fine). */
  input: Record<string, unknown>;
  /** Most you pay, wei. */
  maxFee: bigint | string;
  /** Unix seconds or a Date (default: 10 minutes from now). */
  deadline?: number | Date;
  webhookUrl?: string;
  /** Makes retries safe (default: a random key per call, reused by the call's own retries). */
  idempotencyKey?: string;
}

/** Options of {@link TenderClient.waitForJob}. */
export interface WaitForJobOptions {
  /** The status to wait for (default `verified`); a later status on the way counts too. */
  until?: JobStatus;
  /** Give up after this long (default 120 s) with a `TenderTimeoutError`. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The happy path in order; a job further along it has passed the earlier ones. */
const progress: readonly JobStatus[] = [
  'submitted',
  'auctioning',
  'assigned',
  'proving',
  'proven',
  'batched',
  'verified',
];

function reached(status: JobStatus, until: JobStatus): boolean {
  const target = progress.indexOf(until);
  const at = progress.indexOf(status);
  return target < 0 ? status === until : at >= target;
}

const toBlob = (file: CircuitFile, type = 'application/octet-stream') =>
  file instanceof Blob ? file : new Blob([file as Uint8Array<ArrayBuffer>], { type });

/**
 * The requester's client of the Tender api: register circuits, submit signed
 * jobs, follow them to on-chain settlement. Errors are {@link TenderApiError}s
 * carrying the api's stable code.
 *
 * @example
 * const client = new TenderClient({ baseUrl, apiKey, account: privateKeyToAccount(key) });
 * const circuit = await client.registerBuiltinCircuit('mnist');
 * const job = await client.submitJob({ circuitId: circuit.id, input, maxFee: 10n ** 15n });
 * const done = await client.waitForJob(job.id, { until: 'verified' });
 */
export class TenderClient {
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #account: LocalAccount | undefined;
  readonly #fetch: typeof fetch;
  #market: Promise<MarketView> | undefined;

  constructor(options: TenderClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#account = options.account;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async #request<T>(
    method: string,
    path: string,
    init: { json?: unknown; body?: FormData; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#apiKey}`, ...init.headers };
    let body: string | FormData | undefined = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await this.#fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
    if (!res.ok) throw await TenderApiError.fromResponse(res);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  /** `GET /v1/market`: chain id and contract addresses (cached). */
  getMarket(): Promise<MarketView> {
    this.#market ??= this.#request<MarketView>('GET', '/v1/market').catch((error: unknown) => {
      this.#market = undefined;
      throw error;
    });
    return this.#market;
  }

  /**
   * Deposits `amount` wei of the account's ether into its escrow in the market
   * contract (settlement charges each job's price plus the fee there), over
   * the RPC the api publishes in `GET /v1/market` (or `rpcUrl`). Needs `account`.
   */
  async deposit(amount: bigint, rpcUrl?: string): Promise<Hex> {
    if (this.#account === undefined) throw new Error('TenderClient needs an account to deposit');
    return depositEscrow(await this.getMarket(), this.#account, amount, rpcUrl);
  }

  /**
   * Requests the withdrawal of `amount` wei of the account's escrow (an on-chain transaction it
   * signs); take it out with {@link completeWithdrawal} once the market's withdrawal delay has passed.
   */
  async withdraw(amount: bigint, rpcUrl?: string): Promise<Hex> {
    if (this.#account === undefined) throw new Error('TenderClient needs an account to withdraw');
    return withdrawEscrow(await this.getMarket(), this.#account, amount, rpcUrl);
  }

  /** Completes the account's pending withdrawal (reverts while the delay runs). */
  async completeWithdrawal(rpcUrl?: string): Promise<Hex> {
    if (this.#account === undefined) throw new Error('TenderClient needs an account to withdraw');
    return completeWithdrawal(await this.getMarket(), this.#account, rpcUrl);
  }

  /** The account's escrow balance in the market contract, wei. */
  async escrowBalance(rpcUrl?: string): Promise<bigint> {
    if (this.#account === undefined) throw new Error('TenderClient needs an account to read its escrow');
    return escrowBalance(await this.getMarket(), this.#account.address, rpcUrl);
  }

  /** `GET /v1/requesters/me`: who this API key belongs to. */
  me(): Promise<RequesterView> {
    return this.#request('GET', '/v1/requesters/me');
  }

  /** `POST /v1/requesters/me/keys`: a new API key; its secret (`key`) is in this answer only. */
  createApiKey(opts: { name: string; scopes: ApiKeyScope[] }): Promise<CreatedApiKey> {
    return this.#request('POST', '/v1/requesters/me/keys', { json: opts });
  }

  /** `GET /v1/requesters/me/keys`: the requester's keys (no secrets), revoked ones included. */
  async listApiKeys(): Promise<ApiKeyView[]> {
    return (await this.#request<{ keys: ApiKeyView[] }>('GET', '/v1/requesters/me/keys')).keys;
  }

  /** `DELETE /v1/requesters/me/keys/:id`: revokes a key; it stops working at once. */
  async revokeApiKey(id: string): Promise<void> {
    await this.#request<void>('DELETE', `/v1/requesters/me/keys/${encodeURIComponent(id)}`);
  }

  /** `POST /v1/requesters/me/nonces`: reserves the next JobRequest nonce. */
  async reserveNonce(): Promise<bigint> {
    const { nonce } = await this.#request<{ nonce: string }>('POST', '/v1/requesters/me/nonces');
    return BigInt(nonce);
  }

  /** `POST /v1/circuits` (multipart): uploads a circuit; it is checked, stored and registered on-chain. */
  registerCircuit(files: CircuitFiles): Promise<CircuitView> {
    const form = new FormData();
    form.append('name', files.name);
    if (files.modelCard !== undefined) form.append('modelCard', JSON.stringify(files.modelCard));
    const vkey =
      files.vkey instanceof Uint8Array || files.vkey instanceof Blob
        ? toBlob(files.vkey, 'application/json')
        : new Blob([JSON.stringify(files.vkey)], { type: 'application/json' });
    form.append('wasm', toBlob(files.wasm), 'circuit.wasm');
    form.append('zkey', toBlob(files.zkey), 'circuit.zkey');
    form.append('vkey', vkey, 'verification_key.json');
    form.append('r1cs', toBlob(files.r1cs), 'circuit.r1cs');
    form.append('sym', toBlob(files.sym, 'text/plain'), 'circuit.sym');
    return this.#request('POST', '/v1/circuits', { body: form });
  }

  /** `POST /v1/circuits` `{ builtin }`: registers a circuit Tender ships (`mnist`, `tiny`, …). */
  registerBuiltinCircuit(id: string): Promise<CircuitView> {
    return this.#request('POST', '/v1/circuits', { json: { builtin: id } });
  }

  /** `GET /v1/circuits/:id`. */
  getCircuit(id: string): Promise<CircuitView> {
    return this.#request('GET', `/v1/circuits/${encodeURIComponent(id)}`);
  }

  /** `GET /v1/circuits/:id/artifacts/vkey`: the circuit's snarkjs verification key (check it against the registry). */
  getVerificationKey(circuitId: string): Promise<Groth16VerificationKey> {
    return this.#request('GET', `/v1/circuits/${encodeURIComponent(circuitId)}/artifacts/vkey`);
  }

  /**
   * Verifies a settled job without trusting the api (see {@link verifyJob}): the proof locally,
   * the verification key and the result's inclusion on-chain through `opts.rpcUrl`.
   */
  verifyJob(jobId: string, opts: VerifyJobOptions): Promise<JobVerification> {
    return verifyJob(this, jobId, opts);
  }

  /** `GET /v1/circuits`. */
  async listCircuits(): Promise<CircuitView[]> {
    return (await this.#request<{ items: CircuitView[] }>('GET', '/v1/circuits')).items;
  }

  /**
   * Submits a job: reserves a nonce, signs the EIP-712 JobRequest with the
   * client's account under the market's domain (`GET /v1/market`), and posts
   * it with an idempotency key (one network retry with the same key).
   * Needs `account`.
   */
  async submitJob(job: SubmitJobOptions): Promise<JobView> {
    const account = this.#account;
    if (account === undefined) throw new Error('TenderClient needs an account to sign job requests');
    const market = await this.getMarket();
    const deadline =
      job.deadline instanceof Date
        ? Math.floor(job.deadline.getTime() / 1000)
        : (job.deadline ?? Math.floor(Date.now() / 1000) + 600);
    const maxFee = BigInt(job.maxFee);
    const nonce = await this.reserveNonce();
    const requestSignature = await signJobRequest(account, marketDomain(market.chainId, market.market), {
      requester: account.address,
      circuitId: job.circuitId as Hex,
      inputHash: inputHashOf(job.input),
      maxFee,
      deadline: BigInt(deadline),
      nonce,
    });
    const body = {
      circuitId: job.circuitId,
      input: toWireInput(job.input),
      maxFee: maxFee.toString(),
      deadline,
      nonce: nonce.toString(),
      requestSignature,
      ...(job.webhookUrl === undefined ? {} : { webhookUrl: job.webhookUrl }),
    };
    const headers = { 'idempotency-key': job.idempotencyKey ?? globalThis.crypto.randomUUID() };
    try {
      return await this.#request<JobView>('POST', '/v1/jobs', { json: body, headers });
    } catch (error) {
      if (error instanceof TenderApiError) throw error;
      return this.#request<JobView>('POST', '/v1/jobs', { json: body, headers });
    }
  }

  /** `GET /v1/jobs/:id`. */
  getJob(id: string): Promise<JobView> {
    return this.#request('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  /** `GET /v1/jobs`: your jobs, newest first. */
  listJobs(opts: { status?: JobStatus; limit?: number; cursor?: string } = {}): Promise<JobPage> {
    const q = new URLSearchParams();
    if (opts.status !== undefined) q.set('status', opts.status);
    if (opts.limit !== undefined) q.set('limit', String(opts.limit));
    if (opts.cursor !== undefined) q.set('cursor', opts.cursor);
    const query = q.size > 0 ? `?${q}` : '';
    return this.#request('GET', `/v1/jobs${query}`);
  }

  /** `DELETE /v1/jobs/:id`: cancels a job not yet awarded (else `TENDER_JOB_NOT_CANCELLABLE`). */
  cancelJob(id: string): Promise<JobView> {
    return this.#request('DELETE', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  /**
   * `GET /v1/jobs/:id/events`: the job's current status, then each change, as
   * they happen. Ends when the job reaches a final status or `signal` aborts.
   */
  async *jobEvents(id: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<JobStatusEvent> {
    const res = await this.#fetch(`${this.baseUrl}/v1/jobs/${encodeURIComponent(id)}/events`, {
      headers: { authorization: `Bearer ${this.#apiKey}`, accept: 'text/event-stream' },
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    if (!res.ok || res.body === null) throw await TenderApiError.fromResponse(res);
    for await (const message of readSse(res.body)) {
      if (message.event === 'status') yield JSON.parse(message.data) as JobStatusEvent;
    }
  }

  /**
   * Waits until the job reaches `until` (default `verified`) or a later
   * status, following its event stream (reconnecting, and checking the job
   * itself after each reconnect, so nothing is missed). Rejects with
   * `TenderJobEndedError` when the job ends otherwise (expired, cancelled,
   * rejected) and `TenderTimeoutError` after `timeoutMs`.
   */
  async waitForJob(id: string, opts: WaitForJobOptions = {}): Promise<JobView> {
    const until = opts.until ?? 'verified';
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const onAbort = () => controller.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let last: JobView | null = null;
    const settle = (job: JobView): JobView | undefined => {
      last = job;
      if (reached(job.status, until)) return job;
      if (terminalJobStatuses.includes(job.status)) throw new TenderJobEndedError(job, until);
      return undefined;
    };
    try {
      for (;;) {
        const now = settle(await this.getJob(id));
        if (now) return now;
        try {
          for await (const event of this.jobEvents(id, { signal: controller.signal })) {
            if (reached(event.status, until) || terminalJobStatuses.includes(event.status)) {
              const job = settle(await this.getJob(id));
              if (job) return job;
            }
          }
        } catch (error) {
          if (error instanceof TenderJobEndedError) throw error;
          if (error instanceof TenderApiError && error.status < 500) throw error;
          if (controller.signal.aborted) break;
        }
        if (controller.signal.aborted) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      throw new TenderTimeoutError(`job ${id} did not reach ${until} within ${timeoutMs} ms`, last);
    } catch (error) {
      if (controller.signal.aborted && !(error instanceof TenderJobEndedError)) {
        throw new TenderTimeoutError(`job ${id} did not reach ${until} within ${timeoutMs} ms`, last);
      }
      throw error;
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}
