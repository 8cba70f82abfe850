import { failedAssignmentStatuses, type JobSnapshot } from '@tender/core';
import type { Circuit, Job, TenderQueryable } from '@tender/db';
import { weiFromDecimal } from '@tender/db';
import { provingMemoryMb } from '../circuits/provingMemory.ts';

/**
 * The core {@link JobSnapshot} of a job: its circuit's size and memory, max fee,
 * deadline and the provers that failed it before (invalid proof, missed
 * deadline, abandoned) — they are never invited to it again.
 */
export async function jobSnapshotOf(
  db: TenderQueryable,
  job: Job & { circuit: Circuit },
): Promise<JobSnapshot> {
  const failed = await db.assignment.findMany({
    where: { jobId: job.id, status: { in: [...failedAssignmentStatuses] } },
    select: { prover: { select: { address: true } } },
  });
  return {
    id: job.id,
    circuitId: job.circuitId,
    constraints: job.circuit.constraints,
    memoryMb: provingMemoryMb(job.circuit),
    maxFeeWei: weiFromDecimal(job.maxFeeWei),
    deadlineAt: job.deadline.getTime(),
    excludedProvers: failed.map((a) => a.prover.address),
  };
}
