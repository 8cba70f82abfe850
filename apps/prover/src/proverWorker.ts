import os from 'node:os';
import path from 'node:path';
import { TenderError } from '@tender/core';
import {
  type AwardEvent,
  type InvitationEvent,
  ProverClient,
  type ProverEvent,
  type ProverKind,
  proverBackoffMs,
  sleepUnlessAborted,
  TenderApiError,
} from '@tender/sdk';
import type { CircuitInput } from '@tender/zk';
import type { LocalAccount } from 'viem';
import { type BidPolicy, decideBid, defaultBidPolicy, type SkipReason } from './bidDecision.ts';
import { CircuitCache } from './circuitCache.ts';
import { type EnsureStakeOptions, ensureStake } from './ensureStake.ts';
import { abortable, type ProvingBackend } from './provingBackend.ts';
import { SpeedBook } from './speedBook.ts';

/** A structured log line of the worker. */
export type ProverLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** Options of {@link createProverWorker}. */
export interface ProverWorkerOptions {
  /** The api's base URL. */
  apiUrl: string;
  /** The prover key (must hold the minimum stake on-chain). */
  account: LocalAccount;
  kind: ProverKind;
  /** Proofs at once; the worker never holds more assignments plus undecided bids than this. */
  concurrency: number;
  backend: ProvingBackend;
  /** The worker's data folder: artifact cache, measured speeds, scratch files. */
  cacheDir: string;
  /** Pricing; unset fields take {@link defaultBidPolicy}. */
  pricing?: Partial<BidPolicy>;
  /** Declared memory for proving (default: the machine's total memory). */
  memoryMb?: number;
  /** Largest circuit it takes (default 2 000 000 constraints). */
  maxConstraints?: number;
  name?: string;
  /** When set, stake from the prover key before registering if its stake is below the minimum. */
  stake?: EnsureStakeOptions;
  /** Heartbeat period, ms (default 5 000). */
  heartbeatMs?: number;
  /** How long `start()` waits for an api that does not answer yet, ms (default 60 000). */
  startTimeoutMs?: number;
  /** How long `stop()` lets in-flight proofs finish before abandoning them, ms (default 30 000). */
  shutdownGraceMs?: number;
  log?: ProverLog;
  fetch?: typeof fetch;
  /** Clock, ms (default Date.now). */
  now?: () => number;
}

/** Counters of what the worker did, for logs and tests. */
export interface ProverWorkerStats {
  invitations: number;
  bids: number;
  bidsRejected: number;
  skipped: Partial<Record<SkipReason, number>>;
  awards: number;
  proofsAccepted: number;
  proofsRejected: number;
  abandoned: number;
  cancelled: number;
  failures: number;
}

/** A running prover worker. */
export interface ProverWorker {
  readonly client: ProverClient;
  readonly stats: ProverWorkerStats;
  /**
   * Warms the backend (when it can), stakes when asked and short, signs in,
   * registers, starts heartbeats and the event loop. Throws when registration fails (e.g. `TENDER_INSUFFICIENT_STAKE`).
   */
  start(): Promise<void>;
  /**
   * Graceful shutdown: stops bidding, lets in-flight proofs finish for up to
   * `graceMs` (default the option), abandons the rest (telling the api), stops
   * heartbeats and the event stream, closes the backend. Idempotent.
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
  /** Resolves when no assignment is in flight. */
  idle(): Promise<void>;
}

interface Running {
  award: AwardEvent;
  abort: AbortController;
  done: Promise<void>;
  /** The market ended the assignment because its deadline passed (the proof ran late). */
  missedDeadline?: boolean;
}

/** How long after an auction closes an undecided bid stops counting against capacity (missed events). */
const BID_RESULT_GRACE_MS = 15_000;

/**
 * The operator's prover worker, a REST/SSE client of the api (no database, no
 * Redis). On `invitation` it decides with {@link decideBid} from its own
 * measured speed (a {@link SpeedBook} in `cacheDir`) and bids; on `award` it
 * fetches the circuit's artifacts by hash into its cache (checked), proves
 * with the backend, records the time, signs and submits; on `cancellation`
 * it drops the bid or the work. A proof it cannot finish is abandoned so the
 * job is re-auctioned at once.
 *
 * @example
 * const worker = createProverWorker({ apiUrl, account, kind: 'cpu', concurrency: 1,
 *   backend: snarkjsBackend(), cacheDir: '.tender/prover/0x…' });
 * await worker.start();
 * // … later
 * await worker.stop();
 */
export function createProverWorker(opts: ProverWorkerOptions): ProverWorker {
  const now = opts.now ?? Date.now;
  const log: ProverLog = opts.log ?? (() => {});
  const policy: BidPolicy = { ...defaultBidPolicy, ...opts.pricing };
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const maxConstraints = opts.maxConstraints ?? 2_000_000;
  const client = new ProverClient({
    baseUrl: opts.apiUrl,
    account: opts.account,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const stats: ProverWorkerStats = {
    invitations: 0,
    bids: 0,
    bidsRejected: 0,
    skipped: {},
    awards: 0,
    proofsAccepted: 0,
    proofsRejected: 0,
    abandoned: 0,
    cancelled: 0,
    failures: 0,
  };
  const outstanding = new Map<string, number>(); // auctionId → when the bid stops counting (ms)
  const seenAuctions = new Set<string>();
  const seenAssignments = new Set<string>();
  const constraintsOf = new Map<string, number>(); // circuitId → constraints (from invitations)
  const running = new Map<string, Running>();
  const events = new AbortController();
  let cache: CircuitCache | undefined;
  let speeds: SpeedBook | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let loop: Promise<void> | undefined;
  let stopping = false;
  let stopped: Promise<void> | undefined;

  const capacity = () => ({
    kind: opts.kind,
    maxConcurrency: concurrency,
    memoryMb: opts.memoryMb ?? Math.floor(os.totalmem() / 2 ** 20),
    maxConstraints,
    cachedCircuitIds: cache?.circuitIds() ?? [],
    priceFloorWei: policy.priceFloorWei,
    ...(opts.name ? { name: opts.name } : {}),
  });

  const outstandingCount = () => {
    const t = now();
    for (const [auctionId, until] of outstanding) if (until <= t) outstanding.delete(auctionId);
    return outstanding.size;
  };

  async function onInvitation(invitation: InvitationEvent): Promise<void> {
    if (seenAuctions.has(invitation.auctionId)) return;
    seenAuctions.add(invitation.auctionId);
    stats.invitations++;
    constraintsOf.set(invitation.circuitId.toLowerCase(), invitation.constraints);
    const decision = decideBid(
      {
        now: now(),
        invitation,
        concurrency,
        running: running.size,
        outstandingBids: outstandingCount(),
        maxConstraints,
        cached: cache?.has(invitation.circuitId) ?? false,
        measuredMs: speeds?.estimate(invitation.circuitId, invitation.constraints) ?? null,
        stopping,
      },
      policy,
    );
    if (!decision.bid) {
      stats.skipped[decision.reason] = (stats.skipped[decision.reason] ?? 0) + 1;
      log('debug', 'not bidding', { auctionId: invitation.auctionId, reason: decision.reason });
      return;
    }
    outstanding.set(invitation.auctionId, invitation.closesAt + BID_RESULT_GRACE_MS);
    try {
      await client.bid(invitation, { price: decision.price, etaMs: decision.etaMs });
      stats.bids++;
      log('info', 'bid', {
        auctionId: invitation.auctionId,
        jobId: invitation.jobId,
        price: decision.price.toString(),
        etaMs: decision.etaMs,
      });
    } catch (error) {
      outstanding.delete(invitation.auctionId);
      stats.bidsRejected++;
      log('warn', 'bid refused', { auctionId: invitation.auctionId, error: describe(error) });
    }
  }

  function onAward(award: AwardEvent): void {
    outstanding.delete(award.auctionId);
    if (seenAssignments.has(award.assignmentId)) return;
    seenAssignments.add(award.assignmentId);
    stats.awards++;
    if (stopping) {
      log('info', 'award while stopping: abandoning', { assignmentId: award.assignmentId });
      void abandon(award.assignmentId);
      return;
    }
    const abort = new AbortController();
    const entry: Running = { award, abort, done: Promise.resolve() };
    running.set(award.assignmentId, entry);
    entry.done = prove(entry).finally(() => running.delete(award.assignmentId));
  }

  async function prove(work: Running): Promise<void> {
    const { award, abort } = work;
    const { assignmentId, jobId, circuitId } = award;
    log('info', 'award', { assignmentId, jobId, price: award.price });
    let started: number | undefined;
    let measured = false;
    try {
      const circuit = await cache!.ensure(client, circuitId);
      abort.signal.throwIfAborted();
      // Tell the market (the job shows `proving`) without waiting for it: best-effort, the
      // proof is taken without it, and proving time stays the prover's own.
      void client
        .startProving(assignmentId)
        .catch((e: unknown) =>
          log('warn', 'could not announce proving', { assignmentId, error: describe(e) }),
        );
      started = performance.now();
      // abortable: a backend that ignores the signal (or never finishes) cannot hold up a cancellation.
      const result = await abortable(
        opts.backend.prove({
          circuitId,
          wasmPath: circuit.wasmPath,
          zkeyPath: circuit.zkeyPath,
          input: award.input as CircuitInput,
          signal: abort.signal,
        }),
        abort.signal,
      );
      const ms = performance.now() - started;
      abort.signal.throwIfAborted();
      await speeds!.record(circuitId, ms, constraintsOf.get(circuitId.toLowerCase()));
      measured = true;
      await client.submitProof(jobId, award.chainJobId, circuitId, result.proof, result.publicSignals);
      stats.proofsAccepted++;
      log('info', 'proof accepted', { assignmentId, jobId, provingMs: Math.round(ms) });
    } catch (error) {
      // Checked first: the market may already have told us (a cancellation) before the 422 arrives.
      if (error instanceof TenderApiError && error.code === 'TENDER_PROOF_INVALID') {
        stats.proofsRejected++;
        log('error', 'proof rejected', { assignmentId, jobId, error: describe(error) });
        return;
      }
      if (abort.signal.aborted) {
        log('info', 'assignment dropped', { assignmentId, reason: describe(abort.signal.reason) });
        // A proof still running at its deadline took at least this long: keep that as a sample, or
        // the speed book only ever sees the proofs that were fast enough and keeps promising too little.
        if (work.missedDeadline && started !== undefined && !measured) {
          await speeds!
            .record(circuitId, performance.now() - started, constraintsOf.get(circuitId.toLowerCase()))
            .catch((e: unknown) => log('warn', 'could not record the proving time', { error: describe(e) }));
        }
        return;
      }
      stats.failures++;
      log('error', 'proving failed: abandoning', { assignmentId, jobId, error: describe(error) });
      await abandon(assignmentId);
    }
  }

  async function abandon(assignmentId: string): Promise<void> {
    try {
      await client.abandon(assignmentId);
      stats.abandoned++;
    } catch (error) {
      log('warn', 'abandon failed', { assignmentId, error: describe(error) });
    }
  }

  function onCancellation(event: Extract<ProverEvent, { type: 'cancellation' }>): void {
    if (event.auctionId) outstanding.delete(event.auctionId);
    const work = event.assignmentId ? running.get(event.assignmentId) : undefined;
    if (work) {
      stats.cancelled++;
      if (event.reason === 'failed_deadline') work.missedDeadline = true;
      work.abort.abort(new Error(`cancelled: ${event.reason}`));
    }
  }

  async function listen(): Promise<void> {
    for await (const event of client.events({
      signal: events.signal,
      onError: (error) => log('warn', 'event stream interrupted', { error: describe(error) }),
      onConnect: () => log('debug', 'event stream connected'),
    })) {
      if (event.type === 'invitation') void onInvitation(event);
      else if (event.type === 'award') onAward(event);
      else if (event.type === 'cancellation') onCancellation(event);
    }
  }

  async function beat(): Promise<void> {
    try {
      await client.heartbeat({ cachedCircuitIds: cache?.circuitIds() ?? [] });
    } catch (error) {
      if (error instanceof TenderApiError && error.code === 'TENDER_PROVER_NOT_FOUND' && !stopping) {
        // The market forgot us (a fresh database): register again, which also counts as a heartbeat.
        log('warn', 'not registered any more: registering again');
        await client.register(capacity()).catch((e: unknown) => {
          log('warn', 'registering again failed', { error: describe(e) });
        });
        return;
      }
      log('warn', 'heartbeat failed', { error: describe(error) });
    }
  }

  async function idle(): Promise<void> {
    while (running.size > 0) await Promise.all([...running.values()].map((r) => r.done));
  }

  return {
    client,
    stats,
    idle,
    async start() {
      cache = await CircuitCache.open(opts.cacheDir);
      speeds = await SpeedBook.open(path.join(opts.cacheDir, 'speeds.json'), opts.backend.name);
      // The api may still be starting (local stack): wait for it, but not for answers it gave.
      await untilReachable(
        () => client.market(),
        opts.apiUrl,
        opts.startTimeoutMs ?? 60_000,
        (error) => log('warn', 'api not reachable yet', { error: describe(error) }),
      );
      if (opts.backend.warm) {
        // Before registering: a thread started by a later award would make that proof slower than
        // every time measured so far, and the promised time would be missed.
        const warming = performance.now();
        await opts.backend.warm();
        log('info', 'backend ready', {
          backend: opts.backend.name,
          ms: Math.round(performance.now() - warming),
        });
      }
      if (opts.stake) {
        const outcome = await ensureStake(client, opts.stake);
        if (outcome.txHash) {
          log('info', 'staked', { txHash: outcome.txHash, stakeWei: outcome.stakeWei.toString() });
        }
      }
      const profile = await client.register(capacity());
      log('info', 'registered', {
        address: client.address,
        proverId: profile.id,
        kind: opts.kind,
        concurrency,
        backend: opts.backend.name,
      });
      heartbeat = setInterval(() => void beat(), opts.heartbeatMs ?? 5_000);
      loop = listen();
    },
    stop(stopOpts = {}) {
      stopped ??= (async () => {
        stopping = true;
        const graceMs = stopOpts.graceMs ?? opts.shutdownGraceMs ?? 30_000;
        let timer: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          idle().then(() => true),
          new Promise<false>((resolve) => {
            timer = setTimeout(() => resolve(false), graceMs);
          }),
        ]);
        clearTimeout(timer);
        if (!finished) {
          const left = [...running.values()];
          log('warn', 'grace period over: abandoning in-flight work', { assignments: left.length });
          for (const work of left) work.abort.abort(new Error('worker shutting down'));
          await Promise.all(left.map((work) => abandon(work.award.assignmentId)));
          await Promise.all(left.map((work) => work.done));
        }
        clearInterval(heartbeat);
        events.abort();
        await loop?.catch(() => {});
        await opts.backend.close();
        log('info', 'stopped', { ...stats });
      })();
      return stopped;
    },
  };
}

/**
 * Starts a prover worker (the `start<App>` shape the local stack hosts):
 * {@link createProverWorker} + `start()`; `close()` is the graceful `stop()`.
 */
export async function startProver(
  opts: ProverWorkerOptions,
): Promise<{ worker: ProverWorker; close(): Promise<void> }> {
  const worker = createProverWorker(opts);
  await worker.start();
  return { worker, close: () => worker.stop() };
}

/** Retries `probe` while it fails without an api answer (network errors), then fails readably. */
async function untilReachable(
  probe: () => Promise<unknown>,
  apiUrl: string,
  timeoutMs: number,
  onRetry: (error: unknown) => void,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await probe();
      return;
    } catch (error) {
      if (error instanceof TenderApiError) throw error;
      if (Date.now() >= end) {
        throw new TenderError('TENDER_DEPENDENCY_UNAVAILABLE', `cannot reach the api at ${apiUrl}`, {
          cause: error,
          details: { apiUrl, error: describe(error) },
        });
      }
      onRetry(error);
      await sleepUnlessAborted(Math.min(proverBackoffMs(attempt, { minBackoffMs: 250 }), end - Date.now()));
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
