import { jobDeadline, TenderError } from '@tender/core';
import { type Job, type Prisma, weiFromDecimal, weiToDecimal } from '@tender/db';
import {
  inputHashOf,
  type JobRequestMessage,
  type JobView,
  jobRequestDigest,
  jobRequestTypes,
  marketDomain,
  recoverTypedDataSigner,
} from '@tender/sdk';
import type { Address, Hex } from 'viem';
import { loadCircuit } from '../circuits/readCircuits.ts';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { expectedPublicSignals } from './expectedPublicSignals.ts';
import { assertEscrowCovers } from './jobsEscrow.ts';
import { loadJobView, toJobView } from './jobViews.ts';
import { checkWebhookUrl } from './webhookTarget.ts';

/** A job submission as the api receives it (already schema-checked for types). */
export interface SubmitJobInput {
  requesterId: string;
  circuitId: string;
  /** Circuit input keyed by signal name. */
  input: unknown;
  /** Most the requester pays, wei. */
  maxFee: bigint;
  /** Unix seconds (signed). */
  deadline: number;
  webhookUrl?: string;
  idempotencyKey?: string;
  /** A nonce reserved with `reserveNonce` (signed). */
  nonce: bigint;
  /** The requester's EIP-712 signature over the JobRequest. */
  requestSignature: Hex;
}

const UINT256_MAX = (1n << 256n) - 1n;

function invalid(code: 'TENDER_VALIDATION_FAILED' | 'TENDER_AMOUNT_INVALID', field: string, message: string) {
  return new TenderError(code, `${field}: ${message}`, { details: { field } });
}

function checkFields(input: SubmitJobInput): Date {
  if (input.maxFee <= 0n || input.maxFee > UINT256_MAX) {
    throw invalid('TENDER_AMOUNT_INVALID', 'maxFee', 'must be a positive uint256 amount of wei');
  }
  if (!Number.isSafeInteger(input.deadline) || input.deadline <= 0) {
    throw new TenderError('TENDER_DEADLINE_INVALID', 'deadline must be a unix time in whole seconds', {
      details: { field: 'deadline' },
    });
  }
  const deadline = new Date(input.deadline * 1000);
  if (input.nonce < 0n || input.nonce > UINT256_MAX) {
    throw invalid('TENDER_VALIDATION_FAILED', 'nonce', 'must be a uint256');
  }
  if (input.webhookUrl !== undefined) {
    let ok = false;
    try {
      const url = new URL(input.webhookUrl);
      ok = (url.protocol === 'https:' || url.protocol === 'http:') && input.webhookUrl.length <= 2048;
    } catch {}
    if (!ok) throw invalid('TENDER_VALIDATION_FAILED', 'webhookUrl', 'must be an http(s) URL');
  }
  if (input.idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(input.idempotencyKey)) {
    throw invalid('TENDER_VALIDATION_FAILED', 'idempotencyKey', 'must be 1 to 255 visible ASCII characters');
  }
  return deadline;
}

/** Whether a stored job is the same submission as `input` (for idempotent replays). */
function sameSubmission(job: Job, input: SubmitJobInput, inputHash: string, deadline: Date): boolean {
  return (
    job.circuitId === input.circuitId &&
    job.inputHash === inputHash &&
    weiFromDecimal(job.maxFeeWei) === input.maxFee &&
    job.deadline.getTime() === deadline.getTime() &&
    job.requestNonce !== null &&
    weiFromDecimal(job.requestNonce) === input.nonce &&
    (job.webhookUrl ?? undefined) === input.webhookUrl
  );
}

async function replayOf(
  deps: Pick<MarketDeps, 'prisma' | 'queues'>,
  existing: Job,
  input: SubmitJobInput,
  inputHash: string,
  deadline: Date,
): Promise<{ job: JobView; created: boolean }> {
  if (!sameSubmission(existing, input, inputHash, deadline)) {
    throw new TenderError(
      'TENDER_IDEMPOTENCY_CONFLICT',
      'idempotency key already used for a different job submission',
      { details: { idempotencyKey: input.idempotencyKey, jobId: existing.id } },
    );
  }
  // The first attempt may have stopped between storing and queueing: queueing is idempotent.
  if (existing.status === 'submitted') await deps.queues.openAuction(existing.id, 1);
  return { job: await loadJobView(deps, existing.id), created: false };
}

/**
 * Submits a job. Everything is checked before anything is stored or queued:
 * the fields (max fee > 0, deadline 10 s – 7 days ahead, http(s) webhook),
 * the circuit (exists and is registered on-chain), the requester's EIP-712
 * JobRequest signature (over `inputHashOf(input)`, the fee, deadline and
 * nonce, under the market's domain), the nonce (reserved by this requester
 * and not spent), and the input (signals, field range, and a witness that
 * satisfies the circuit; the public signals it yields are stored as the ones
 * a proof must match). Then the job is stored (`submitted`, with its on-chain
 * id = the request's EIP-712 digest), its status published and round 1 of its
 * auction queued.
 *
 * With an `idempotencyKey`, a replay of the same submission returns the job
 * created first (`created: false`), a different submission under the same key
 * is `TENDER_IDEMPOTENCY_CONFLICT` (409). Other errors: `TENDER_INPUT_INVALID`
 * (400, naming the signal), `TENDER_SIGNATURE_INVALID` (401),
 * `TENDER_NONCE_NOT_RESERVED` (400), `TENDER_NONCE_USED` (409),
 * `TENDER_CIRCUIT_NOT_FOUND` (404), `TENDER_CIRCUIT_NOT_REGISTERED` (409),
 * `TENDER_INSUFFICIENT_ESCROW` (402, with `config.escrowAdmission`: see `assertEscrowCovers`),
 * `TENDER_AMOUNT_INVALID` / `TENDER_DEADLINE_INVALID` / `TENDER_VALIDATION_FAILED` (400).
 */
export async function submitJob(
  deps: MarketDeps,
  input: SubmitJobInput,
): Promise<{ job: JobView; created: boolean }> {
  const now = deps.now();
  const deadline = checkFields(input);
  if (input.webhookUrl !== undefined) await checkWebhookUrl(input.webhookUrl, deps.config.webhookAllow ?? []);
  const requester = await deps.prisma.requester.findUnique({ where: { id: input.requesterId } });
  if (requester === null) {
    throw new TenderError('TENDER_UNAUTHORIZED', 'unknown requester', {
      details: { requesterId: input.requesterId },
    });
  }
  let inputHash: Hex;
  try {
    inputHash = inputHashOf(input.input);
  } catch (error) {
    throw new TenderError('TENDER_INPUT_INVALID', `input: ${(error as Error).message}`, { cause: error });
  }
  if (input.idempotencyKey !== undefined) {
    const existing = await deps.prisma.job.findUnique({
      where: {
        requesterId_idempotencyKey: { requesterId: input.requesterId, idempotencyKey: input.idempotencyKey },
      },
    });
    if (existing !== null) return replayOf(deps, existing, input, inputHash, deadline);
  }
  // Checked after the replay lookup: a replay of an accepted job stays a replay as time passes.
  jobDeadline(now, deadline.getTime());

  const circuit = await loadCircuit(deps, input.circuitId);
  if (circuit.registeredAt === null) {
    throw new TenderError('TENDER_CIRCUIT_NOT_REGISTERED', 'circuit is not registered on-chain yet', {
      details: { circuitId: circuit.id },
    });
  }

  if (requester.address === null) {
    throw new TenderError('TENDER_SIGNATURE_INVALID', 'the requester has no signing address', {
      details: { requesterId: requester.id },
    });
  }
  const domain = marketDomain(deps.deployment.chainId, deps.deployment.addresses.market);
  const request: JobRequestMessage = {
    requester: requester.address as Address,
    circuitId: circuit.id as Hex,
    inputHash,
    maxFee: input.maxFee,
    deadline: BigInt(input.deadline),
    nonce: input.nonce,
  };
  // Tender's one signature rule (low-s, 65 bytes, v 27/28): what the api takes, the contract takes.
  const signer = await recoverTypedDataSigner(
    { domain, types: jobRequestTypes, primaryType: 'JobRequest', message: request },
    input.requestSignature,
  );
  if (signer === null || signer.toLowerCase() !== requester.address.toLowerCase()) {
    throw new TenderError(
      'TENDER_SIGNATURE_INVALID',
      'requestSignature is not the requester’s signature of this JobRequest',
      {
        details: {
          expectedSigner: requester.address,
          ...(signer === null ? {} : { signer: signer.toLowerCase() }),
        },
      },
    );
  }
  if (input.nonce >= requester.nextNonce) {
    throw new TenderError(
      'TENDER_NONCE_NOT_RESERVED',
      'nonce was not reserved (POST /v1/requesters/me/nonces)',
      {
        details: { nonce: input.nonce.toString(), nextNonce: requester.nextNonce.toString() },
      },
    );
  }

  if (deps.config.escrowAdmission) {
    await assertEscrowCovers(deps, { id: requester.id, address: requester.address }, input.maxFee);
  }
  const expected = await expectedPublicSignals(circuit, input.input);
  const chainJobId = jobRequestDigest(domain, request);
  const data: Prisma.JobCreateManyInput = {
    requesterId: input.requesterId,
    circuitId: circuit.id,
    input: input.input as Prisma.InputJsonValue,
    inputHash,
    maxFeeWei: weiToDecimal(input.maxFee),
    deadline,
    webhookUrl: input.webhookUrl ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
    requestSignature: input.requestSignature,
    chainJobId,
    requestNonce: input.nonce.toString(),
    expectedPublicSignals: expected,
  };
  const inserted = await deps.prisma.$transaction(async (tx) => {
    // ON CONFLICT DO NOTHING: a twin racing this one (same key, nonce or request) inserts nothing.
    const [row] = await tx.job.createManyAndReturn({ data: [data], skipDuplicates: true });
    if (row !== undefined) {
      await tx.jobEvent.create({
        data: {
          jobId: row.id,
          fromStatus: null,
          toStatus: row.status,
          round: row.round,
          createdAt: new Date(now),
        },
      });
    }
    return row;
  });
  if (inserted === undefined) {
    if (input.idempotencyKey !== undefined) {
      const twin = await deps.prisma.job.findUnique({
        where: {
          requesterId_idempotencyKey: {
            requesterId: input.requesterId,
            idempotencyKey: input.idempotencyKey,
          },
        },
      });
      if (twin !== null) return replayOf(deps, twin, input, inputHash, deadline);
    }
    const spent = await deps.prisma.job.findFirst({
      where: {
        OR: [{ requesterId: input.requesterId, requestNonce: input.nonce.toString() }, { chainJobId }],
      },
      select: { id: true },
    });
    throw new TenderError('TENDER_NONCE_USED', 'this nonce was already spent by another job', {
      details: { nonce: input.nonce.toString(), ...(spent === null ? {} : { jobId: spent.id }) },
    });
  }

  await Promise.all([
    deps.events.job(inserted.id, {
      type: 'status',
      jobId: inserted.id,
      status: 'submitted',
      at: now,
      round: 0,
    }),
    deps.events.operator({ type: 'job', at: now, id: inserted.id, status: 'submitted' }),
    deps.queues.openAuction(inserted.id, 1),
  ]);
  // A new job has no rounds, assignment, proof or batch yet: no need to read it back.
  const fresh = {
    ...inserted,
    requester: { address: requester.address },
    auctions: [],
    assignments: [],
    proofs: [],
    batchItems: [],
  };
  return { job: toJobView(fresh), created: true };
}
