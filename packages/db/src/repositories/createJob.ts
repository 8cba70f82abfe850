import { TenderError } from '@tender/core';
import type { TenderPrisma } from '../client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { weiToDecimal } from '../wei.ts';
import { type JobRecord, toJobRecord } from './jobRecord.ts';

/** A job submission, already validated against its circuit. */
export interface NewJob {
  readonly requesterId: string;
  readonly circuitId: string;
  /** Circuit inputs (JSON). */
  readonly input: Prisma.InputJsonValue;
  /** Hash of the canonical input, 0x hex. */
  readonly inputHash: string;
  readonly maxFeeWei: bigint;
  readonly deadline: Date;
  readonly webhookUrl?: string;
  /** Makes the submission idempotent per requester. */
  readonly idempotencyKey?: string;
  /** EIP-712 signature over the request. */
  readonly requestSignature?: string;
}

/** The outcome of {@link createJob}. */
export interface CreatedJob {
  readonly job: JobRecord;
  /** False when an earlier submission with the same idempotency key is returned. */
  readonly created: boolean;
}

/**
 * Stores a submitted job (status `submitted`, round 0) and its first
 * JobEvent, in one transaction. With an `idempotencyKey` it is idempotent
 * per requester: a replay returns the job created first (`created: false`),
 * also when both arrive at once. A replay whose circuit, input hash or max
 * fee differ is refused with `TENDER_IDEMPOTENCY_CONFLICT`.
 *
 * @example
 * const { job, created } = await createJob(prisma, { requesterId, circuitId, input, inputHash,
 *   maxFeeWei: 10n ** 15n, deadline, idempotencyKey: req.headers['idempotency-key'] });
 */
export async function createJob(prisma: TenderPrisma, job: NewJob): Promise<CreatedJob> {
  const data: Prisma.JobCreateManyInput = {
    requesterId: job.requesterId,
    circuitId: job.circuitId,
    input: job.input,
    inputHash: job.inputHash,
    maxFeeWei: weiToDecimal(job.maxFeeWei),
    deadline: job.deadline,
    webhookUrl: job.webhookUrl ?? null,
    idempotencyKey: job.idempotencyKey ?? null,
    requestSignature: job.requestSignature ?? null,
  };
  return prisma.$transaction(async (tx) => {
    // ON CONFLICT DO NOTHING: a concurrent twin waits for the first insert to
    // commit and then inserts nothing, instead of failing the transaction.
    const [inserted] = await tx.job.createManyAndReturn({ data: [data], skipDuplicates: true });
    if (inserted !== undefined) {
      await tx.jobEvent.create({
        data: { jobId: inserted.id, fromStatus: null, toStatus: inserted.status, round: inserted.round },
      });
      return { job: toJobRecord(inserted), created: true };
    }
    if (job.idempotencyKey === undefined) {
      throw new TenderError('TENDER_CONFLICT', 'job id collision, retry');
    }
    const existing = await tx.job.findUniqueOrThrow({
      where: {
        requesterId_idempotencyKey: { requesterId: job.requesterId, idempotencyKey: job.idempotencyKey },
      },
    });
    const record = toJobRecord(existing);
    if (
      record.circuitId !== job.circuitId ||
      record.inputHash !== job.inputHash ||
      record.maxFeeWei !== job.maxFeeWei
    ) {
      throw new TenderError(
        'TENDER_IDEMPOTENCY_CONFLICT',
        'idempotency key already used for a different job submission',
        { details: { idempotencyKey: job.idempotencyKey, jobId: record.id } },
      );
    }
    return { job: record, created: false };
  });
}
