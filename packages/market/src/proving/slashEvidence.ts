import {
  type JobRequest,
  type ProofSubmission,
  proofSubmissionDigest,
  type TenderDomain,
} from '@tender/chain';
import { weiFromDecimal } from '@tender/db';
import type { Groth16Proof } from '@tender/zk';
import { getAddress, type Hex } from 'viem';

/** Why a proof is slash evidence: `invalid_proof` is slashable; `public_signals_mismatch` verifies for other signals (the contract answers `ProofIsValid`). */
export type SlashEvidenceKind = 'invalid_proof' | 'public_signals_mismatch';

/**
 * What `Slash.evidence` holds: the prover-signed submission and everything `TenderMarket.slash`
 * needs besides the verification key (amounts and numbers as decimal strings). `request` is
 * null when the job was stored without a signed request (no requester address or nonce).
 */
export interface SlashEvidenceRecord {
  kind: SlashEvidenceKind;
  /** Why the proof was judged invalid off-chain. */
  reason: string;
  request: {
    requester: Hex;
    circuitId: Hex;
    inputHash: Hex;
    maxFee: string;
    deadline: string;
    nonce: string;
  } | null;
  submission: ProofSubmission;
  proverSignature: Hex;
  proof: Groth16Proof;
  publicSignals: string[];
}

/** The job fields a signed `JobRequest` is made of, as Postgres stores them. */
export interface StoredJobRequest {
  circuitId: string;
  inputHash: string;
  maxFeeWei: { toFixed(): string };
  deadline: Date;
  requestNonce: { toFixed(): string } | null;
  requester: { address: string | null };
}

/**
 * The `JobRequest` the requester signed, rebuilt from its job row (deadline in unix seconds);
 * null when the job has no requester address or nonce (it was never signed).
 */
export function jobRequestOf(job: StoredJobRequest): JobRequest | null {
  if (!job.requester.address || job.requestNonce === null) return null;
  return {
    requester: getAddress(job.requester.address),
    circuitId: job.circuitId as Hex,
    inputHash: job.inputHash as Hex,
    maxFee: weiFromDecimal(job.maxFeeWei),
    deadline: BigInt(Math.floor(job.deadline.getTime() / 1000)),
    nonce: weiFromDecimal(job.requestNonce),
  };
}

/** The stored proof fields a signed `ProofSubmission` is made of. */
export interface StoredProofSubmission {
  proofHash: string;
  publicSignalsHash: string;
}

/** The `ProofSubmission` a prover signed, from the job's on-chain id and its stored proof. */
export function proofSubmissionOf(
  chainJobId: Hex,
  circuitId: string,
  proof: StoredProofSubmission,
  proverAddress: string,
): ProofSubmission {
  return {
    jobId: chainJobId,
    circuitId: circuitId as Hex,
    proofHash: proof.proofHash as Hex,
    publicSignalsHash: proof.publicSignalsHash as Hex,
    prover: getAddress(proverAddress),
  };
}

/**
 * Builds the {@link SlashEvidenceRecord} of a signed submission: the one way slash evidence is
 * written, whether the proof failed at submission (proving) or later in a batch (settlement).
 */
export function slashEvidenceRecord(e: {
  request: JobRequest | null;
  submission: ProofSubmission;
  proverSignature: string;
  proof: unknown;
  publicSignals: readonly string[];
  kind: SlashEvidenceKind;
  reason: string;
}): SlashEvidenceRecord {
  const r = e.request;
  return {
    kind: e.kind,
    reason: e.reason,
    request:
      r === null
        ? null
        : {
            requester: r.requester,
            circuitId: r.circuitId,
            inputHash: r.inputHash,
            maxFee: r.maxFee.toString(),
            deadline: r.deadline.toString(),
            nonce: r.nonce.toString(),
          },
    submission: e.submission,
    proverSignature: e.proverSignature as Hex,
    proof: e.proof as Groth16Proof,
    publicSignals: [...e.publicSignals],
  };
}

/**
 * `Slash.evidenceHash`: the EIP-712 digest of the signed submission, so one signed submission
 * yields at most one Slash row (the column is unique), whoever records it.
 */
export function slashEvidenceHash(domain: TenderDomain, submission: ProofSubmission): Hex {
  return proofSubmissionDigest(domain, submission);
}
