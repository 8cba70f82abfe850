import { TenderError } from '@tender/core';
import { type Job, type JobStatus, type Prisma, weiFromDecimal } from '@tender/db';
import type { JobBatchView, JobPage, JobProofView, JobSummary, JobView } from '@tender/sdk';
import { type Address, getAddress, type Hex } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';

const jobViewInclude = {
  requester: { select: { address: true } },
  auctions: { orderBy: { round: 'asc' }, include: { _count: { select: { bids: true } } } },
  assignments: {
    orderBy: { createdAt: 'desc' },
    take: 1,
    include: { prover: { select: { address: true } } },
  },
  proofs: {
    where: { status: 'valid' },
    orderBy: { receivedAt: 'desc' },
    take: 1,
    include: { prover: { select: { address: true } }, assignment: { select: { priceWei: true } } },
  },
  batchItems: {
    where: { batch: { status: 'confirmed' } },
    include: { batch: true },
    orderBy: { batch: { confirmedAt: 'desc' } },
    take: 1,
  },
} satisfies Prisma.JobInclude;

type JobWithDetails = Prisma.JobGetPayload<{ include: typeof jobViewInclude }>;

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const checksum = (a: string | null | undefined) => (a ? getAddress(a) : null);
const decimalString = (d: { toFixed(): string } | null) => (d === null ? null : weiFromDecimal(d).toString());

function batchView(item: JobWithDetails['batchItems'][number] | undefined): JobBatchView | null {
  if (item === undefined) return null;
  const b = item.batch;
  return {
    id: b.id,
    status: b.status,
    txHash: (b.txHash as Hex | null) ?? null,
    blockNumber: b.blockNumber === null ? null : b.blockNumber.toString(),
    root: (b.merkleRoot as Hex | null) ?? null,
    chainBatchId: b.chainBatchId === null ? null : b.chainBatchId.toString(),
    leafIndex: item.leafIndex,
    leafHash: (item.leafHash as Hex | null) ?? null,
    inclusionProof: Array.isArray(item.merkleProof) ? (item.merkleProof as Hex[]) : null,
  };
}

/** A job row with its rounds, latest assignment, accepted proof and settlement, as the api shows it. */
export function toJobView(job: JobWithDetails): JobView {
  const assignment = job.assignments[0];
  const proof = job.proofs[0];
  const proofView: JobProofView | null =
    proof === undefined
      ? null
      : {
          proof: proof.proof as unknown as JobProofView['proof'],
          publicSignals: proof.publicSignals,
          proofHash: proof.proofHash as Hex,
          publicSignalsHash: proof.publicSignalsHash as Hex,
          prover: getAddress(proof.prover.address),
          receivedAt: proof.receivedAt.toISOString(),
        };
  return {
    id: job.id,
    status: job.status,
    statusReason: job.statusReason,
    chainJobId: (job.chainJobId as Hex | null) ?? null,
    circuitId: job.circuitId as Hex,
    requester: checksum(job.requester.address),
    input: job.input,
    inputHash: job.inputHash as Hex,
    maxFee: weiFromDecimal(job.maxFeeWei).toString(),
    deadline: Math.floor(job.deadline.getTime() / 1000),
    nonce: decimalString(job.requestNonce),
    webhookUrl: job.webhookUrl,
    idempotencyKey: job.idempotencyKey,
    round: job.round,
    expectedPublicSignals: job.expectedPublicSignals,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    provenAt: iso(job.provenAt),
    batchedAt: iso(job.batchedAt),
    verifiedAt: iso(job.verifiedAt),
    auctions: job.auctions.map((a) => ({
      id: a.id,
      round: a.round,
      status: a.status,
      opensAt: a.opensAt.toISOString(),
      closesAt: a.closesAt.toISOString(),
      closedAt: iso(a.closedAt),
      invited: a.invitedProverIds.length,
      bids: a._count.bids,
    })),
    assignment:
      assignment === undefined
        ? null
        : {
            id: assignment.id,
            round: assignment.round,
            prover: getAddress(assignment.prover.address) as Address,
            price: weiFromDecimal(assignment.priceWei).toString(),
            collateral: weiFromDecimal(assignment.collateralLockedWei).toString(),
            deadline: assignment.deadline.toISOString(),
            status: assignment.status,
          },
    price: proof === undefined ? null : weiFromDecimal(proof.assignment.priceWei).toString(),
    proof: proofView,
    publicSignals: proof === undefined ? null : proof.publicSignals,
    batch: batchView(job.batchItems[0]),
  };
}

/**
 * `GET /v1/jobs/:id`: the job with its auction rounds, latest assignment
 * (prover, price), the accepted proof and public signals once proven, and
 * once settled the batch (tx hash, block, root) with the job's inclusion
 * proof. A job of another requester is `TENDER_JOB_NOT_FOUND`, like a missing one.
 */
export async function getJobView(
  deps: Pick<MarketDeps, 'prisma'>,
  requesterId: string,
  jobId: string,
): Promise<JobView> {
  const job = await findJob(deps, jobId, jobViewInclude);
  if (job === null || job.requesterId !== requesterId) throw jobNotFound(jobId);
  return toJobView(job);
}

/** `TENDER_JOB_NOT_FOUND` for `jobId`. */
export function jobNotFound(jobId: string): TenderError {
  return new TenderError('TENDER_JOB_NOT_FOUND', 'job not found', { details: { jobId } });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function findJob<I extends Prisma.JobInclude>(
  deps: Pick<MarketDeps, 'prisma'>,
  jobId: string,
  include: I,
): Promise<Prisma.JobGetPayload<{ include: I }> | null> {
  if (!UUID.test(jobId)) return null;
  return (await deps.prisma.job.findUnique({ where: { id: jobId }, include })) as Prisma.JobGetPayload<{
    include: I;
  }> | null;
}

/** Loads a job's full view by id, for whoever already checked access (the service that changed it). */
export async function loadJobView(deps: Pick<MarketDeps, 'prisma'>, jobId: string): Promise<JobView> {
  const job = await findJob(deps, jobId, jobViewInclude);
  if (job === null) throw jobNotFound(jobId);
  return toJobView(job);
}

/** A job row as a listing shows it. */
export function toJobSummary(job: Job): JobSummary {
  return {
    id: job.id,
    status: job.status,
    circuitId: job.circuitId as Hex,
    chainJobId: (job.chainJobId as Hex | null) ?? null,
    maxFee: weiFromDecimal(job.maxFeeWei).toString(),
    deadline: Math.floor(job.deadline.getTime() / 1000),
    round: job.round,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

/**
 * `GET /v1/jobs`: the requester's jobs, newest first, `limit` (1..200,
 * default 50) per page, optionally only those in `status`. Pass the page's
 * `nextCursor` as `cursor` for the next page (keyset pagination on the
 * time-ordered uuid v7 id: stable while jobs are added).
 */
export async function listJobs(
  deps: Pick<MarketDeps, 'prisma'>,
  requesterId: string,
  opts: { status?: JobStatus; limit?: number; cursor?: string } = {},
): Promise<JobPage> {
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 200);
  if (opts.cursor !== undefined && !UUID.test(opts.cursor)) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'cursor is not a job id', {
      details: { field: 'cursor' },
    });
  }
  const rows = await deps.prisma.job.findMany({
    where: {
      requesterId,
      ...(opts.status === undefined ? {} : { status: opts.status }),
      ...(opts.cursor === undefined ? {} : { id: { lt: opts.cursor } }),
    },
    orderBy: { id: 'desc' },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map(toJobSummary),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
