import type { Job } from '../generated/prisma/client.ts';
import type { JobStatus } from '../generated/prisma/enums.ts';
import { weiFromDecimal } from '../wei.ts';

/** A job as repositories hand it out: money as bigint wei. */
export interface JobRecord {
  readonly id: string;
  readonly requesterId: string;
  readonly circuitId: string;
  readonly input: unknown;
  readonly inputHash: string;
  readonly maxFeeWei: bigint;
  readonly deadline: Date;
  readonly webhookUrl: string | null;
  readonly idempotencyKey: string | null;
  readonly requestSignature: string | null;
  readonly status: JobStatus;
  readonly statusReason: string | null;
  readonly round: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly provenAt: Date | null;
  readonly batchedAt: Date | null;
  readonly verifiedAt: Date | null;
}

/** Maps a Prisma `Job` row to a {@link JobRecord}. */
export function toJobRecord(row: Job): JobRecord {
  return {
    id: row.id,
    requesterId: row.requesterId,
    circuitId: row.circuitId,
    input: row.input,
    inputHash: row.inputHash,
    maxFeeWei: weiFromDecimal(row.maxFeeWei),
    deadline: row.deadline,
    webhookUrl: row.webhookUrl,
    idempotencyKey: row.idempotencyKey,
    requestSignature: row.requestSignature,
    status: row.status,
    statusReason: row.statusReason,
    round: row.round,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    provenAt: row.provenAt,
    batchedAt: row.batchedAt,
    verifiedAt: row.verifiedAt,
  };
}
