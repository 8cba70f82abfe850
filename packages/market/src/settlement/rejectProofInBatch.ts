import type { TenderDomain } from '@tender/chain';
import { transitionAssignment, transitionJob, updateReliability } from '@tender/core';
import type { TenderTx } from '@tender/db';
import type { Hex } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { announceJob, moveJob, quietly } from '../jobs/moveJob.ts';
import { slashEvidenceHash, slashEvidenceRecord } from '../proving/slashEvidence.ts';
import type { SettlementCandidate } from './loadSettlementCandidates.ts';

/** Removes a job from a pending batch (its BatchItem goes, the batch shrinks). */
async function dropFromBatch(tx: TenderTx, batchId: string, jobId: string): Promise<void> {
  await tx.batchItem.deleteMany({ where: { batchId, jobId } });
  await tx.batch.update({ where: { id: batchId }, data: { size: { decrement: 1 } } });
}

/**
 * A proof that fails the aggregator's off-chain batch verification (or does not yield the job's
 * expected public signals) although it was accepted at submission. In one transaction: the job
 * leaves the batch, its Proof becomes `invalid`, the prover's reliability drops, a `pending`
 * Slash with the signed submission as evidence is stored (once per signed submission), and the
 * job goes back to auction (round + 1) without that prover; then the next round is queued.
 *
 * Lifecycle: core's `proof_revoked` event moves the job `batched → auctioning` (round + 1)
 * and the assignment `accepted → failed_invalid` — the outcome `proof_rejected` has before
 * acceptance — and the JobEvent records `late: true`. The collateral was released at
 * acceptance; the on-chain slash is the penalty.
 */
export async function rejectProofInBatch(
  deps: MarketDeps,
  domain: TenderDomain,
  batchId: string,
  candidate: SettlementCandidate,
  kind: 'invalid_proof' | 'public_signals_mismatch',
  reason: string,
): Promise<{ slashId: string | null; round: number }> {
  const proof = candidate.proof;
  const now = new Date(deps.now());
  const to = transitionJob('batched', 'proof_revoked');
  const result = await deps.prisma.$transaction(async (tx) => {
    await dropFromBatch(tx, batchId, candidate.jobId);
    let slashId: string | null = null;
    if (proof) {
      await tx.proof.update({
        where: { id: proof.proofId },
        data: { status: 'invalid', verifyError: reason, verifiedAt: now },
      });
      await tx.assignment.updateMany({
        where: { id: proof.assignmentId, status: 'accepted' },
        data: { status: transitionAssignment('accepted', 'proof_revoked'), finishedAt: now },
      });
      const prover = await tx.prover.findUniqueOrThrow({
        where: { id: proof.proverId },
        select: { reliability: true },
      });
      await tx.prover.update({
        where: { id: proof.proverId },
        data: { reliability: updateReliability(prover.reliability, 'failed_invalid') },
      });
      if (candidate.request && candidate.chainJobId) {
        const submission = {
          jobId: candidate.chainJobId,
          circuitId: candidate.circuitId,
          proofHash: proof.proofHash,
          publicSignalsHash: proof.publicSignalsHash,
          prover: proof.proverAddress,
        };
        const evidenceHash = slashEvidenceHash(domain, submission);
        const slash = await tx.slash.upsert({
          where: { evidenceHash },
          create: {
            proverId: proof.proverId,
            jobId: candidate.jobId,
            assignmentId: proof.assignmentId,
            proofId: proof.proofId,
            evidenceHash,
            evidence: {
              ...slashEvidenceRecord({
                request: candidate.request,
                submission,
                proverSignature: proof.proverSignature as Hex,
                proof: proof.proof,
                publicSignals: proof.publicSignals,
                kind,
                reason,
              }),
            } as never,
          },
          update: {},
          select: { id: true },
        });
        slashId = slash.id;
      }
    }
    const job = await moveJob(tx, {
      jobId: candidate.jobId,
      from: 'batched',
      event: 'proof_revoked',
      now,
      reason: `proof rejected in batch: ${reason}`,
      data: { batchId, proofId: proof?.proofId ?? null, slashId, late: true },
    });
    return { slashId, round: job?.round ?? candidate.round, moved: job !== null };
  });
  if (result.moved) await deps.queues.openAuction(candidate.jobId, result.round, 0);
  await announceJob(
    deps,
    { id: candidate.jobId, status: to, round: result.round },
    now.getTime(),
    `proof rejected in batch: ${reason}`,
  );
  await quietly(() =>
    deps.events.operator({
      type: 'proof',
      at: now.getTime(),
      id: proof?.proofId ?? candidate.jobId,
      status: 'invalid',
      detail: { jobId: candidate.jobId, batchId, kind, reason, slashId: result.slashId },
    }),
  );
  if (proof) {
    await quietly(() =>
      deps.events.toProver(proof.proverId, {
        type: 'cancellation',
        jobId: candidate.jobId,
        assignmentId: proof.assignmentId,
        reason: 'failed_invalid',
      }),
    );
  }
  return { slashId: result.slashId, round: result.round };
}

/**
 * Takes a job that cannot be settled (see `SettlementCandidate.problem`) out of a pending batch
 * and parks it: a one-item `failed` batch records why, and the job goes back to `proven`
 * (core: `batch_failed`), held out of batches for the batcher's retry hold.
 */
export async function parkJobOutOfBatch(
  deps: MarketDeps,
  batchId: string,
  candidate: SettlementCandidate,
  problem: string,
): Promise<void> {
  const now = new Date(deps.now());
  const job = await deps.prisma.$transaction(async (tx) => {
    await dropFromBatch(tx, batchId, candidate.jobId);
    await tx.batch.create({
      data: {
        status: 'failed',
        size: 1,
        error: problem,
        createdAt: now,
        items: { create: { jobId: candidate.jobId, leafIndex: 0 } },
      },
    });
    return moveJob(tx, {
      jobId: candidate.jobId,
      from: 'batched',
      event: 'batch_failed',
      now,
      reason: `settlement failed: ${problem}`,
      data: { batchId },
    });
  });
  if (job) await announceJob(deps, job, now.getTime(), `settlement failed: ${problem}`);
}
