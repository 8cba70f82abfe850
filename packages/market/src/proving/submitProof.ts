import { proofSubmissionDigest, proofSubmissionTypes, tenderDomain } from '@tender/chain';
import { TenderError, transitionAssignment } from '@tender/core';
import type { Prisma } from '@tender/db';
import { recoverTypedDataSigner } from '@tender/sdk';
import {
  type Groth16Proof,
  proofHash,
  publicSignalsHash,
  toPublicSignals,
  toSolidityProof,
} from '@tender/zk';
import { getAddress, type Hex, isAddress } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { chainJobIdOf } from '../jobs/chainJobId.ts';
import { wakeForFreeSlots } from '../provers/wakeWaitingAuctions.ts';
import { applyProofVerdict } from './applyProofVerdict.ts';
import { checkProof } from './checkProof.ts';

/** A prover's signed proof, as it arrives (`POST /v1/jobs/:id/proof`). */
export interface SubmitProofInput {
  jobId: string;
  /** The submitter (the signed-in prover). */
  proverAddress: string;
  proof: Groth16Proof;
  /** Decimal strings, as snarkjs writes them. */
  publicSignals: string[];
  /**
   * EIP-712 signature over `ProofSubmission(bytes32 jobId, bytes32 circuitId, bytes32 proofHash,
   * bytes32 publicSignalsHash, address prover)` with jobId = the job's on-chain id.
   */
  signature: Hex;
}

/**
 * Takes a prover's proof for a job it holds. Checks, in order: the proof and
 * signals are well-formed (400); the job exists (404); the prover holds an
 * active assignment of the job (403 `TENDER_NOT_ASSIGNED_PROVER`; 409
 * `TENDER_ASSIGNMENT_NOT_ACTIVE` when its assignment ended, its deadline
 * passed, or a proof is already being checked); the EIP-712 ProofSubmission —
 * proof hash and public-signals hash recomputed here from what was sent — is
 * signed by the prover (401 `TENDER_SIGNATURE_INVALID`; nothing changes).
 *
 * The assignment is then `submitted` (the deadline no longer applies) with a
 * Proof `received`, and the proof is judged ({@link checkProof}: Groth16 against
 * the circuit's vkey, public signals equal to the job's). Valid → Proof `valid`,
 * Assignment `accepted`, collateral released, reliability up, Job `proven`.
 * Invalid → Proof `invalid`, Assignment `failed_invalid`, collateral forfeited,
 * reliability down, a `pending` Slash with the signed evidence, the job
 * re-auctioned (round + 1) without this prover, and `TENDER_PROOF_INVALID` (422)
 * is thrown with the reason.
 *
 * @throws TenderError as listed above.
 */
export async function submitProof(deps: MarketDeps, input: SubmitProofInput): Promise<{ status: 'valid' }> {
  if (typeof input.proverAddress !== 'string' || !isAddress(input.proverAddress, { strict: false })) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'proverAddress: not an Ethereum address', {
      details: { field: 'proverAddress' },
    });
  }
  if (!Array.isArray(input.publicSignals) || typeof input.proof !== 'object' || input.proof === null) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'proof and publicSignals are required', {
      details: { field: 'proof' },
    });
  }
  const solidityProof = toSolidityProof(input.proof);
  const signals = toPublicSignals(input.publicSignals);
  const hashes = { proofHash: proofHash(solidityProof), publicSignalsHash: publicSignalsHash(signals) };

  const now = deps.now();
  const job = await deps.prisma.job.findUnique({ where: { id: input.jobId }, include: { circuit: true } });
  if (job === null) {
    throw new TenderError('TENDER_JOB_NOT_FOUND', 'job not found', { details: { jobId: input.jobId } });
  }
  const prover = getAddress(input.proverAddress);
  const proverRow = await deps.prisma.prover.findUnique({ where: { address: prover.toLowerCase() } });
  const assignments =
    proverRow === null
      ? []
      : await deps.prisma.assignment.findMany({
          where: { jobId: job.id, proverId: proverRow.id },
          orderBy: { round: 'desc' },
        });
  const assignment = assignments[0];
  if (proverRow === null || assignment === undefined) {
    throw new TenderError('TENDER_NOT_ASSIGNED_PROVER', 'this prover holds no assignment of the job', {
      details: { jobId: job.id, prover: prover.toLowerCase() },
    });
  }
  const inactive = (why: string) =>
    new TenderError('TENDER_ASSIGNMENT_NOT_ACTIVE', why, {
      details: { jobId: job.id, assignmentId: assignment.id, status: assignment.status },
    });
  if (assignment.status !== 'awarded' && assignment.status !== 'proving') {
    throw inactive(
      assignment.status === 'submitted' ? 'a proof is already being checked' : 'the assignment has ended',
    );
  }
  if (now > assignment.deadline.getTime()) throw inactive('the assignment deadline has passed');

  const domain = tenderDomain(deps.deployment.chainId, deps.deployment.addresses.market);
  const submission = {
    jobId: chainJobIdOf(job),
    circuitId: job.circuitId.toLowerCase() as Hex,
    proofHash: hashes.proofHash,
    publicSignalsHash: hashes.publicSignalsHash,
    prover,
  };
  const signer = await recoverTypedDataSigner(
    { domain, types: proofSubmissionTypes, primaryType: 'ProofSubmission', message: submission },
    input.signature,
  );
  if (signer === null || signer !== prover) {
    throw new TenderError('TENDER_SIGNATURE_INVALID', 'the proof submission is not signed by the prover', {
      details: { jobId: job.id, prover: prover.toLowerCase() },
    });
  }

  const at = new Date(now);
  const proofRow = await deps.prisma.$transaction(async (tx) => {
    const moved = await tx.assignment.updateMany({
      where: { id: assignment.id, status: assignment.status },
      data: { status: transitionAssignment(assignment.status, 'proof_submitted') },
    });
    if (moved.count === 0) throw inactive('the assignment has ended');
    return tx.proof.create({
      data: {
        assignmentId: assignment.id,
        jobId: job.id,
        proverId: proverRow.id,
        proof: input.proof as unknown as Prisma.InputJsonValue,
        publicSignals: input.publicSignals,
        proofHash: hashes.proofHash,
        publicSignalsHash: hashes.publicSignalsHash,
        proverSignature: input.signature,
        receivedAt: at,
      },
    });
  });
  const verdict = await checkProof(
    job.circuit.vkeyPath,
    job.expectedPublicSignals,
    input.proof,
    input.publicSignals,
  );
  const settled = await applyProofVerdict(
    deps,
    proofRow.id,
    verdict,
    proofSubmissionDigest(domain, submission),
  );
  if (!settled.valid) {
    throw new TenderError('TENDER_PROOF_INVALID', `invalid proof: ${settled.reason}`, {
      details: { jobId: job.id, kind: settled.kind, reason: settled.reason },
    });
  }
  // Its slot is free again: jobs waiting out a no-bid backoff may bid now.
  await wakeForFreeSlots(deps, proverRow.id);
  return { status: 'valid' };
}
