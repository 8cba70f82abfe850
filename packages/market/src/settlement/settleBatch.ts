// Over 300 lines on purpose: one batch's settlement (off-chain check, send, confirm, bisect on revert) is one state machine over the same candidates.
import type { OperatorSender } from '@tender/chain';
import {
  type EncodedSettlement,
  encodeSettlementBatch,
  resultRoot,
  type TenderDomain,
  tenderMarketAbi,
} from '@tender/chain';
import { isTenderError, type TenderError } from '@tender/core';
import { batchVerify } from '@tender/zk';
import type { Hex, TransactionReceipt } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { announceJob, moveJob } from '../jobs/moveJob.ts';
import { claimJobsForBatch } from './claimProvenJobs.ts';
import {
  loadSettlementCandidates,
  type SettlementCandidate,
  type VkeyCache,
} from './loadSettlementCandidates.ts';
import { moveBatch } from './moveBatch.ts';
import { type ConfirmedBatch, recordSettledBatch } from './recordSettledBatch.ts';
import { parkJobOutOfBatch, rejectProofInBatch } from './rejectProofInBatch.ts';

/** What settling needs besides the market deps (built once per aggregator). */
export interface SettlementContext {
  sender: OperatorSender;
  vkeys: VkeyCache;
  domain: TenderDomain;
  /** Batches whose proofs this process already checked off-chain (bisection halves). */
  verified: Set<string>;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

/** What happened to one batch row. */
export type BatchOutcome =
  | { batchId: string; status: 'confirmed'; confirmed: ConfirmedBatch }
  | { batchId: string; status: 'failed'; error: string }
  /** It reverted and was split into smaller batches (their outcomes follow it). */
  | { batchId: string; status: 'split'; error: string }
  /** Left for a later pass: a transient error, or its transaction is still in flight. */
  | { batchId: string; status: 'waiting'; error?: string };

const errorNameOf = (error: TenderError) =>
  String((error.details as { errorName?: unknown } | undefined)?.errorName ?? error.code);

/**
 * Drives one batch row to an end: checks its proofs off-chain (a `pending` batch), settles it
 * on-chain, records the result. Returns the outcome of the batch and of any smaller batches it
 * was split into.
 *
 * - Off-chain check: `batchVerify` over every proof, plus each proof's public signals against
 *   the job's expected ones. A bad proof leaves the batch through `rejectProofInBatch` (slash
 *   pending, job re-auctioned); a job that cannot be settled at all (no signed request, no
 *   valid proof) is parked by `parkJobOutOfBatch`.
 * - On-chain: `TenderMarket.settleBatch` via the shared sender (simulated first; the batch is
 *   `submitted` with its tx hash before broadcast; replaced with a higher fee when stuck).
 * - Revert (simulated or mined) → bisect: a batch of several jobs becomes `failed` (its jobs go
 *   `batched → proven`) and is re-formed as two smaller batches — the jobs the revert names
 *   (`RequestExpired`, `PriceAboveMaxFee`, `InvalidRequestSignature` by job id;
 *   `NonceAlreadyUsed`, `InsufficientBalance` by requester) against the rest, else halves —
 *   each settled in turn. A single job that still reverts: its one-item batch is `failed` with
 *   the error and the job goes back to `proven`, held out of new batches for the batcher's retry
 *   hold, then tried again (never lost; an operator sees the reason on the job and the batch).
 * - Resume (`submitted`, e.g. after a crash): the stored tx hash is looked up first; a replaced
 *   transaction is found by its `BatchSettled` event with this batch's Merkle root; a
 *   transaction still in the mempool is taken over (`OperatorSender.resume`: waited for,
 *   fee-bumped when stuck); only one the node does not know is sent again.
 */
export async function settleBatchRow(
  deps: MarketDeps,
  ctx: SettlementContext,
  batchId: string,
): Promise<BatchOutcome[]> {
  const batch = await deps.prisma.batch.findUnique({ where: { id: batchId } });
  if (!batch || batch.status === 'confirmed' || batch.status === 'failed') return [];
  let candidates = await loadSettlementCandidates(deps.prisma, batchId, ctx.domain, ctx.vkeys);

  if (batch.status === 'submitted') {
    const settleable = candidates.filter((c) => c.item !== null);
    const done = (found: Found) =>
      found.receipt.status === 'success'
        ? confirm(deps, ctx, batchId, settleable, found.encoded, found.receipt).then((o) => [o])
        : handleRevert(deps, ctx, batchId, settleable, 'reverted on-chain');
    const found = await findSettlement(deps, ctx, batch.txHash as Hex | null, settleable);
    if (found) return done(found);
    if (batch.txHash && settleable.length > 0 && (await ctx.sender.isPending(batch.txHash as Hex))) {
      // Still in the mempool (sent before a restart): wait for it, replacing it when stuck.
      try {
        const sent = await ctx.sender.resume(batch.txHash as Hex, ({ hash }) =>
          markSubmitted(deps, batchId, hash),
        );
        if (sent) return done({ receipt: sent.receipt, encoded: encode(ctx, settleable) });
      } catch (error) {
        if (isTenderError(error, 'TENDER_CHAIN_REVERTED')) {
          return handleRevert(deps, ctx, batchId, settleable, 'reverted on-chain');
        }
        return [{ batchId, status: 'waiting', error: (error as Error).message }];
      }
      const later = await findSettlement(deps, ctx, null, settleable);
      if (later) return done(later);
    }
  } else if (!ctx.verified.has(batchId)) {
    candidates = await checkOffChain(deps, ctx, batchId, candidates);
    ctx.verified.add(batchId);
  }
  const settleable = candidates.filter((c) => c.item !== null);
  if (settleable.length === 0) {
    await moveBatch(deps.prisma, batchId, ['pending', 'submitted'], 'batch_failed', {
      error: 'no settleable job left after verification',
    });
    return [{ batchId, status: 'failed', error: 'no settleable job left after verification' }];
  }
  return send(deps, ctx, batchId, settleable);
}

async function checkOffChain(
  deps: MarketDeps,
  ctx: SettlementContext,
  batchId: string,
  candidates: SettlementCandidate[],
): Promise<SettlementCandidate[]> {
  const withProof = candidates.filter((c) => c.proof !== null);
  const verdict = await batchVerify(
    withProof.map((c) => ({
      vkey: c.vkey.vkey,
      publicSignals: c.proof!.publicSignals,
      proof: c.proof!.proof,
    })),
  );
  const invalid = new Set(verdict.ok ? [] : verdict.invalid.map((i) => withProof[i]!.jobId));
  const kept: SettlementCandidate[] = [];
  for (const c of candidates) {
    if (invalid.has(c.jobId)) {
      ctx.log?.('proof failed the batch verification', { batchId, jobId: c.jobId });
      await rejectProofInBatch(deps, ctx.domain, batchId, c, 'invalid_proof', 'the proof does not verify');
    } else if (
      c.proof &&
      c.expectedPublicSignals.length > 0 &&
      c.expectedPublicSignals.join(',') !== c.proof.publicSignals.join(',')
    ) {
      await rejectProofInBatch(
        deps,
        ctx.domain,
        batchId,
        c,
        'public_signals_mismatch',
        "the public signals are not the job's",
      );
    } else if (c.item === null) {
      ctx.log?.('job cannot be settled, parked', { batchId, jobId: c.jobId, problem: c.problem });
      await parkJobOutOfBatch(deps, batchId, c, c.problem ?? 'not settleable');
    } else {
      kept.push(c);
    }
  }
  return kept;
}

function encode(ctx: SettlementContext, candidates: readonly SettlementCandidate[]): EncodedSettlement {
  return encodeSettlementBatch(
    candidates.map((c) => c.item!),
    ctx.domain,
  );
}

async function send(
  deps: MarketDeps,
  ctx: SettlementContext,
  batchId: string,
  candidates: SettlementCandidate[],
): Promise<BatchOutcome[]> {
  let encoded: EncodedSettlement;
  try {
    encoded = encode(ctx, candidates);
  } catch (error) {
    // Too many requesters/provers for one encoding, or a field out of range: split.
    return handleRevert(deps, ctx, batchId, candidates, `encoding failed: ${(error as Error).message}`);
  }
  try {
    const sent = await ctx.sender.send(
      {
        address: deps.deployment.addresses.market,
        abi: tenderMarketAbi,
        functionName: 'settleBatch',
        args: [encoded.data],
      },
      async ({ hash }) => markSubmitted(deps, batchId, hash),
    );
    return [await confirm(deps, ctx, batchId, candidates, encoded, sent.receipt)];
  } catch (error) {
    if (isTenderError(error, 'TENDER_CHAIN_REVERTED')) {
      return handleRevert(deps, ctx, batchId, candidates, errorNameOf(error), error);
    }
    const message = (error as Error).message;
    ctx.log?.('settlement attempt failed, will retry', { batchId, error: message });
    await deps.prisma.batch.update({ where: { id: batchId }, data: { error: message.slice(0, 500) } });
    return [{ batchId, status: 'waiting', error: message }];
  }
}

async function markSubmitted(deps: MarketDeps, batchId: string, hash: Hex): Promise<void> {
  const now = new Date(deps.now());
  const first = await moveBatch(deps.prisma, batchId, ['pending'], 'batch_submitted', {
    txHash: hash,
    submittedAt: now,
    attempts: { increment: 1 },
  });
  if (!first) {
    await moveBatch(deps.prisma, batchId, ['submitted'], 'batch_resubmitted', {
      txHash: hash,
      attempts: { increment: 1 },
    });
  }
}

async function confirm(
  deps: MarketDeps,
  ctx: SettlementContext,
  batchId: string,
  candidates: SettlementCandidate[],
  encoded: EncodedSettlement,
  receipt: TransactionReceipt,
): Promise<BatchOutcome> {
  const confirmed = await recordSettledBatch(deps, batchId, candidates, encoded, receipt, ctx.log);
  return { batchId, status: 'confirmed', confirmed };
}

/** Which candidates a revert names, if it names any. */
function culpritsOf(
  error: TenderError | undefined,
  candidates: SettlementCandidate[],
): SettlementCandidate[] {
  if (!error) return [];
  const details = error.details as { errorName?: string; args?: unknown[] } | undefined;
  const args = details?.args ?? [];
  const arg0 = String(args[0] ?? '').toLowerCase();
  switch (details?.errorName) {
    case 'RequestExpired':
    case 'PriceAboveMaxFee':
    case 'InvalidRequestSignature':
      return candidates.filter((c) => c.chainJobId?.toLowerCase() === arg0);
    case 'NonceAlreadyUsed':
      return candidates.filter(
        (c) => c.request?.requester.toLowerCase() === arg0 && c.request.nonce.toString() === String(args[1]),
      );
    case 'InsufficientBalance':
      return candidates.filter((c) => c.request?.requester.toLowerCase() === arg0);
    default:
      return [];
  }
}

async function handleRevert(
  deps: MarketDeps,
  ctx: SettlementContext,
  batchId: string,
  candidates: SettlementCandidate[],
  reason: string,
  error?: TenderError,
): Promise<BatchOutcome[]> {
  const now = new Date(deps.now());
  if (candidates.length <= 1) {
    const message = `settlement reverted: ${reason}`;
    const job = await deps.prisma.$transaction(async (tx) => {
      await moveBatch(tx, batchId, ['pending', 'submitted'], 'batch_failed', {
        error: message,
        size: candidates.length,
      });
      const c = candidates[0];
      return c
        ? moveJob(tx, {
            jobId: c.jobId,
            from: 'batched',
            event: 'batch_failed',
            now,
            reason: message,
            data: { batchId },
          })
        : null;
    });
    ctx.log?.('single-job batch reverted; job held for a later retry', { batchId, reason });
    if (job) await announceJob(deps, job, now.getTime(), message);
    return [{ batchId, status: 'failed', error: message }];
  }
  const named = culpritsOf(error, candidates);
  const halves =
    named.length > 0 && named.length < candidates.length
      ? [named, candidates.filter((c) => !named.includes(c))]
      : [candidates.slice(0, candidates.length >> 1), candidates.slice(candidates.length >> 1)];
  const message = `bisected after revert: ${reason}`;
  ctx.log?.('batch reverted; bisecting', { batchId, reason, sizes: halves.map((h) => h.length) });
  await deps.prisma.$transaction(async (tx) => {
    await moveBatch(tx, batchId, ['pending', 'submitted'], 'batch_failed', { error: message });
    for (const c of candidates) {
      await moveJob(tx, {
        jobId: c.jobId,
        from: 'batched',
        event: 'batch_failed',
        now,
        reason: message,
        data: { batchId },
      });
    }
  });
  const outcomes: BatchOutcome[] = [{ batchId, status: 'split', error: message }];
  for (const half of halves) {
    const child = await claimJobsForBatch(deps.prisma, { jobIds: half.map((c) => c.jobId), now });
    if (!child) continue;
    ctx.verified.add(child.batchId);
    outcomes.push(...(await settleBatchRow(deps, ctx, child.batchId)));
  }
  return outcomes;
}

/** A mined settlement transaction of a batch, with the encoding it was built from. */
interface Found {
  receipt: TransactionReceipt;
  encoded: EncodedSettlement;
}

/**
 * Where a `submitted` batch's transaction went: its receipt by the stored hash, else the
 * `BatchSettled` event with the batch's root (a replacement we did not record), else null.
 */
async function findSettlement(
  deps: MarketDeps,
  ctx: SettlementContext,
  txHash: Hex | null,
  settleable: SettlementCandidate[],
): Promise<Found | null> {
  if (settleable.length === 0) return null;
  const encoded = encode(ctx, settleable);
  if (txHash) {
    const receipt = await ctx.sender.receiptOf(txHash);
    if (receipt) return { receipt, encoded };
  }
  const root = resultRoot(encoded.results);
  const events = await deps.publicClient.getContractEvents({
    address: deps.deployment.addresses.market,
    abi: tenderMarketAbi,
    eventName: 'BatchSettled',
    fromBlock: deps.deployment.blockNumber,
  });
  const match = events.find((e) => e.args.root === root);
  if (!match) return null;
  const receipt = await deps.publicClient.getTransactionReceipt({ hash: match.transactionHash });
  return { receipt, encoded };
}
