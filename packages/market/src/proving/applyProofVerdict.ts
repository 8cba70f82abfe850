import { tenderDomain } from '@tender/chain';
import type { Prisma } from '@tender/db';
import type { Groth16Proof } from '@tender/zk';
import type { Hex } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { marketPolicies } from '../deps/marketPolicies.ts';
import { chainJobIdOf } from '../jobs/chainJobId.ts';
import { announceJob, quietly } from '../jobs/moveJob.ts';
import { checkProof, type ProofVerdict } from './checkProof.ts';
import { afterFailure, endAssignment } from './endAssignment.ts';
import { jobRequestOf, proofSubmissionOf, slashEvidenceHash, slashEvidenceRecord } from './slashEvidence.ts';

/**
 * Applies the verdict on a `received` proof, in one transaction. Valid: Proof
 * `valid`, Assignment `accepted` (collateral released, reliability up), Job
 * `proven`. Invalid: Proof `invalid` (with the reason), Assignment
 * `failed_invalid` (collateral forfeited, reliability down), Job back to
 * `auctioning` at round + 1, and a `pending` Slash whose evidence is everything
 * the on-chain `slash` call needs: the job request, the signed submission, the
 * prover's signature, the proof and public signals, and `kind`
 * (`invalid_proof`: slashable; `public_signals_mismatch`: the proof verifies for
 * other signals, so the contract would answer `ProofIsValid`). Its
 * `evidenceHash` is the submission's EIP-712 digest (unique). Then the next round
 * is queued and events go out. A proof already judged is left alone.
 */
export async function applyProofVerdict(
  deps: MarketDeps,
  proofId: string,
  verdict: ProofVerdict,
  digest: Hex,
): Promise<ProofVerdict> {
  const now = deps.now();
  const at = new Date(now);
  const proof = await deps.prisma.proof.findUniqueOrThrow({
    where: { id: proofId },
    include: { assignment: true, prover: true, job: { include: { requester: true } } },
  });
  if (proof.status !== 'received') return verdict;
  const policies = marketPolicies(deps);
  const { assignment, job } = proof;

  const ending = await deps.prisma.$transaction(
    async (tx) => {
      const current = await tx.job.findUniqueOrThrow({ where: { id: job.id }, select: { status: true } });
      await tx.proof.update({
        where: { id: proofId },
        data: verdict.valid
          ? { status: 'valid', verifiedAt: at }
          : { status: 'invalid', verifiedAt: at, verifyError: `${verdict.kind}: ${verdict.reason}` },
      });
      const ended = await endAssignment(tx, policies, {
        assignment,
        event: verdict.valid ? 'proof_accepted' : 'proof_rejected',
        jobStatus: current.status,
        now: at,
        ...(verdict.valid ? {} : { reason: verdict.kind }),
      });
      if (!verdict.valid) {
        const evidence = slashEvidenceRecord({
          request: jobRequestOf(job),
          submission: proofSubmissionOf(chainJobIdOf(job), job.circuitId, proof, proof.prover.address),
          proverSignature: proof.proverSignature,
          proof: proof.proof,
          publicSignals: proof.publicSignals,
          kind: verdict.kind,
          reason: verdict.reason,
        });
        await tx.slash.createMany({
          data: [
            {
              proverId: proof.proverId,
              jobId: job.id,
              assignmentId: assignment.id,
              proofId,
              evidence: evidence as unknown as Prisma.InputJsonValue,
              evidenceHash: digest,
              createdAt: at,
            },
          ],
          skipDuplicates: true,
        });
      }
      return ended;
    },
    { timeout: 20_000, maxWait: 10_000 },
  );

  await quietly(() =>
    deps.events.operator({
      type: 'proof',
      at: now,
      id: proofId,
      status: verdict.valid ? 'valid' : 'invalid',
      detail: {
        jobId: job.id,
        proverId: proof.proverId,
        ...(verdict.valid ? {} : { reason: verdict.reason }),
      },
    }),
  );
  if (verdict.valid) {
    if (ending.job !== null) await announceJob(deps, ending.job, now, 'proof accepted');
  } else {
    await afterFailure(deps, assignment, ending, now);
    await quietly(() =>
      deps.events.operator({
        type: 'slash',
        at: now,
        id: digest,
        status: 'pending',
        detail: { jobId: job.id, proverId: proof.proverId, kind: verdict.kind },
      }),
    );
  }
  return verdict;
}

/**
 * Finishes a proof left `received` (the process stopped between storing and
 * judging it): judges it again and applies the verdict. Called by the
 * assignment's deadline check for assignments still `submitted`. Returns
 * null when the assignment has no proof waiting.
 */
export async function recheckSubmittedProof(
  deps: MarketDeps,
  assignmentId: string,
): Promise<ProofVerdict | null> {
  const proof = await deps.prisma.proof.findFirst({
    where: { assignmentId, status: 'received' },
    include: { job: { include: { circuit: true } }, prover: true },
    orderBy: { receivedAt: 'desc' },
  });
  if (proof === null) return null;
  const { job } = proof;
  const groth16 = proof.proof as unknown as Groth16Proof;
  const verdict = await checkProof(
    job.circuit.vkeyPath,
    job.expectedPublicSignals,
    groth16,
    proof.publicSignals,
  );
  const digest = slashEvidenceHash(
    tenderDomain(deps.deployment.chainId, deps.deployment.addresses.market),
    proofSubmissionOf(chainJobIdOf(job), job.circuitId.toLowerCase(), proof, proof.prover.address),
  );
  return applyProofVerdict(deps, proof.id, verdict, digest);
}
