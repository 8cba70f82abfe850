import type { OperatorSender } from '@tender/chain';
import { tenderDomain } from '@tender/chain';
import { type BatchDecision, type BatchPolicy, decideBatch, defaultBatchPolicy } from '@tender/core';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { claimJobsForBatch, provenBacklog } from './claimProvenJobs.ts';
import { VkeyCache } from './loadSettlementCandidates.ts';
import { type BatchOutcome, type SettlementContext, settleBatchRow } from './settleBatch.ts';

/** Tunables of the batcher; batch size and age come from `deps.config` (batchSize, batchMaxAgeMs). */
export interface BatcherOptions {
  /** The process's one operator sender (shared with the slasher: one nonce manager). */
  sender: OperatorSender;
  /** Verification keys (shared with the slasher); default a new cache over `artifactsDir`. */
  vkeys?: VkeyCache;
  /** Folder relative `Circuit.vkeyPath` values are resolved against. */
  artifactsDir?: string;
  /** Do not settle while gas is above this (wei, default 100 gwei)… */
  gasPriceCeilingWei?: bigint;
  /** …unless the oldest proven job has waited this long (ms, default 10 min). */
  gasOverrideAgeMs?: number;
  /** A job whose one-job batch reverted sits out this long before it is tried again (ms, default 5 min). */
  settlementRetryMs?: number;
  /** Most new batches cut in one tick (default 8). */
  maxBatchesPerTick?: number;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

/** What one batcher tick did. */
export interface BatcherTick {
  /** Outcomes of batches left open by an earlier tick or process (resumed first). */
  resumed: BatchOutcome[];
  /** The last batching decision (core `decideBatch`). */
  decision: BatchDecision;
  /** Outcomes of the batches cut in this tick (with their bisection halves). */
  settled: BatchOutcome[];
}

/** The batcher of one aggregator process (see {@link createBatcher}). */
export interface Batcher {
  tick(): Promise<BatcherTick>;
  readonly context: SettlementContext;
  readonly policy: BatchPolicy;
}

/**
 * The batcher: each `tick()` first drives every batch left `pending`/`submitted` to an end
 * (crash recovery; see `settleBatchRow`), then asks core `decideBatch` (size, age, gas price
 * against the ceiling) about the proven backlog and, while it says cut, claims that many of the
 * oldest proven jobs into a batch (`proven → batched`, atomic, SKIP LOCKED) and settles it.
 * The aggregator calls `tick()` about once a second; ticks must not overlap.
 *
 * @example
 * const batcher = createBatcher(deps, { sender: new OperatorSender(operator) });
 * const { settled } = await batcher.tick();
 */
export function createBatcher(deps: MarketDeps, opts: BatcherOptions): Batcher {
  const policy: BatchPolicy = {
    maxBatchSize: deps.config.batchSize,
    maxAgeMs: deps.config.batchMaxAgeMs,
    gasPriceCeilingWei: opts.gasPriceCeilingWei ?? defaultBatchPolicy.gasPriceCeilingWei,
    gasOverrideAgeMs: opts.gasOverrideAgeMs ?? defaultBatchPolicy.gasOverrideAgeMs,
  };
  const holdMs = opts.settlementRetryMs ?? 5 * 60_000;
  const context: SettlementContext = {
    sender: opts.sender,
    vkeys: opts.vkeys ?? new VkeyCache(opts.artifactsDir),
    domain: tenderDomain(deps.deployment.chainId, deps.deployment.addresses.market),
    verified: new Set(),
    ...(opts.log ? { log: opts.log } : {}),
  };
  return {
    context,
    policy,
    async tick() {
      const resumed: BatchOutcome[] = [];
      const open = await deps.prisma.batch.findMany({
        where: { status: { in: ['pending', 'submitted'] } },
        orderBy: { createdAt: 'asc' },
        select: { id: true },
      });
      for (const { id } of open) resumed.push(...(await settleBatchRow(deps, context, id)));
      const settled: BatchOutcome[] = [];
      let decision: BatchDecision = { cut: false, reason: 'empty', recheckAt: null };
      for (let i = 0; i < (opts.maxBatchesPerTick ?? 8); i++) {
        const now = new Date(deps.now());
        const [backlog, gasPriceWei] = await Promise.all([
          provenBacklog(deps.prisma, { holdMs, now }),
          deps.publicClient.getGasPrice(),
        ]);
        decision = decideBatch(
          {
            provenCount: backlog.count,
            oldestProvenAt: backlog.oldestProvenAt,
            now: now.getTime(),
            gasPriceWei,
          },
          policy,
        );
        if (!decision.cut) break;
        const claimed = await claimJobsForBatch(deps.prisma, { limit: decision.size, holdMs, now });
        if (!claimed) break;
        opts.log?.('batch cut', {
          batchId: claimed.batchId,
          size: claimed.jobs.length,
          reason: decision.reason,
        });
        settled.push(...(await settleBatchRow(deps, context, claimed.batchId)));
        if (decision.reason !== 'full') break;
      }
      return { resumed, decision, settled };
    },
  };
}
