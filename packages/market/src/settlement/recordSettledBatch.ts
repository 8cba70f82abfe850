import {
  type EncodedSettlement,
  merkleProofFor,
  resultLeaf,
  resultRoot,
  tenderMarketAbi,
} from '@tender/chain';
import { TenderError } from '@tender/core';
import type { Job } from '@tender/db';
import { type Hex, parseEventLogs, type TransactionReceipt } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { announceJob, moveJob, quietly } from '../jobs/moveJob.ts';
import { createWebhookDelivery } from '../jobs/webhookOutbox.ts';
import type { SettlementCandidate } from './loadSettlementCandidates.ts';
import { moveBatch } from './moveBatch.ts';

/** A batch the chain accepted, as recorded. */
export interface ConfirmedBatch {
  batchId: string;
  chainBatchId: bigint;
  txHash: Hex;
  blockNumber: bigint;
  gasUsed: bigint;
  merkleRoot: Hex;
  jobIds: string[];
  webhookDeliveryIds: string[];
}

/**
 * The webhook body of a verified job (event `job.verified`): ids, status, circuit, public
 * signals, the batch (its on-chain id, tx hash, block, Merkle root; numbers as decimal strings)
 * and the job's inclusion proof (leaf index, leaf hash, sibling hashes from the leaf up), which
 * `TenderMarket.verifyInclusion(chainBatchId, chainJobId, circuitId, publicSignalsHash, proof)`
 * accepts. `verifiedAt` is an ISO time.
 */
export function verifiedWebhookPayload(
  candidate: SettlementCandidate,
  batch: Omit<ConfirmedBatch, 'jobIds' | 'webhookDeliveryIds' | 'gasUsed'>,
  inclusion: { leafIndex: number; leafHash: Hex; proof: Hex[] },
  verifiedAt: Date,
) {
  return {
    event: 'job.verified',
    jobId: candidate.jobId,
    chainJobId: candidate.chainJobId,
    status: 'verified',
    circuitId: candidate.circuitId,
    publicSignals: candidate.proof?.publicSignals ?? [],
    publicSignalsHash: candidate.proof?.publicSignalsHash ?? null,
    verifiedAt: verifiedAt.toISOString(),
    batch: {
      id: batch.batchId,
      chainBatchId: batch.chainBatchId.toString(),
      txHash: batch.txHash,
      blockNumber: batch.blockNumber.toString(),
      merkleRoot: batch.merkleRoot,
    },
    inclusion,
  };
}

/**
 * Records a mined settlement in one transaction: the Batch `confirmed` (tx hash, block, gas,
 * Merkle root and on-chain batch id from the `BatchSettled` event), each BatchItem at its
 * on-chain leaf position with its leaf hash and Merkle proof (`merkleProofFor`, the contract's
 * rule), each job `batched → verified` (core `batch_confirmed`, verifiedAt stamped, a JobEvent)
 * and a `job.verified` webhook delivery per job with a webhook URL. After the commit the
 * deliveries are queued and job/operator events published.
 *
 * @param candidates the settled jobs, in the order they were encoded from
 */
export async function recordSettledBatch(
  deps: MarketDeps,
  batchId: string,
  candidates: readonly SettlementCandidate[],
  encoded: EncodedSettlement,
  receipt: TransactionReceipt,
  log?: (message: string, data?: Record<string, unknown>) => void,
): Promise<ConfirmedBatch> {
  const [event] = parseEventLogs({ abi: tenderMarketAbi, eventName: 'BatchSettled', logs: receipt.logs });
  if (!event) {
    throw new TenderError('TENDER_SETTLEMENT_FAILED', 'BatchSettled event missing from the receipt', {
      details: { batchId, txHash: receipt.transactionHash },
    });
  }
  const expectedRoot = resultRoot(encoded.results);
  if (event.args.root !== expectedRoot) {
    log?.('on-chain batch root differs from the locally computed one', {
      batchId,
      onChain: event.args.root,
      local: expectedRoot,
    });
  }
  const now = new Date(deps.now());
  const confirmed = {
    batchId,
    chainBatchId: event.args.batchId,
    txHash: receipt.transactionHash,
    blockNumber: receipt.blockNumber,
    merkleRoot: event.args.root,
  };
  const leaves = encoded.results.map((result, k) => ({
    candidate: candidates[encoded.order[k] as number] as SettlementCandidate,
    leafIndex: k,
    leafHash: resultLeaf(result),
    proof: merkleProofFor(encoded.results, k),
  }));
  const { jobs, deliveries } = await deps.prisma.$transaction(
    async (tx) => {
      // A batch mined before the sender recorded it (a crash between broadcast and
      // bookkeeping) is still `pending`: it was sent, so it passes through `submitted`.
      await moveBatch(tx, batchId, ['pending'], 'batch_submitted', { txHash: confirmed.txHash });
      await moveBatch(tx, batchId, ['submitted'], 'batch_confirmed', {
        size: leaves.length,
        txHash: confirmed.txHash,
        blockNumber: confirmed.blockNumber,
        gasUsed: receipt.gasUsed,
        merkleRoot: confirmed.merkleRoot,
        chainBatchId: confirmed.chainBatchId,
        confirmedAt: now,
        error: null,
      });
      // Leaf positions move from claim order to the on-chain order; park them out of the
      // (batch, leaf) unique range first.
      await tx.$executeRaw`UPDATE batch_items SET leaf_index = -1 - leaf_index WHERE batch_id = ${batchId}::uuid`;
      const jobs: Job[] = [];
      const deliveries: string[] = [];
      for (const leaf of leaves) {
        const { candidate } = leaf;
        await tx.batchItem.update({
          where: { batchId_jobId: { batchId, jobId: candidate.jobId } },
          data: { leafIndex: leaf.leafIndex, leafHash: leaf.leafHash, merkleProof: leaf.proof },
        });
        const job = await moveJob(tx, {
          jobId: candidate.jobId,
          from: 'batched',
          event: 'batch_confirmed',
          now,
          data: { batchId, txHash: confirmed.txHash, chainBatchId: confirmed.chainBatchId.toString() },
        });
        if (!job) continue;
        jobs.push(job);
        if (candidate.webhookUrl) {
          const inclusion = { leafIndex: leaf.leafIndex, leafHash: leaf.leafHash, proof: leaf.proof };
          deliveries.push(
            await createWebhookDelivery(tx, {
              jobId: candidate.jobId,
              url: candidate.webhookUrl,
              event: 'job.verified',
              payload: verifiedWebhookPayload(candidate, confirmed, inclusion, now),
            }),
          );
        }
      }
      return { jobs, deliveries };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  for (const id of deliveries) await quietly(() => deps.queues.deliverWebhook(id));
  const at = now.getTime();
  for (const job of jobs) await announceJob(deps, job, at, `settled in batch ${confirmed.chainBatchId}`);
  await quietly(() =>
    deps.events.operator({
      type: 'batch',
      at,
      id: batchId,
      status: 'confirmed',
      detail: {
        size: leaves.length,
        txHash: confirmed.txHash,
        chainBatchId: confirmed.chainBatchId.toString(),
        gasUsed: receipt.gasUsed.toString(),
      },
    }),
  );
  return {
    ...confirmed,
    gasUsed: receipt.gasUsed,
    jobIds: jobs.map((j) => j.id),
    webhookDeliveryIds: deliveries,
  };
}
