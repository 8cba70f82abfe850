import { TenderError } from '@tender/core';
import type { Job } from '@tender/db';

/**
 * The job's on-chain id (`bytes32`), which bids and proof submissions sign.
 *
 * @throws TenderError `TENDER_VALIDATION_FAILED` when the job was stored without one.
 */
export function chainJobIdOf(job: Pick<Job, 'id' | 'chainJobId'>): `0x${string}` {
  if (job.chainJobId === null || !/^0x[0-9a-fA-F]{64}$/.test(job.chainJobId)) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'job has no on-chain id, it cannot be auctioned', {
      details: { jobId: job.id },
    });
  }
  return job.chainJobId.toLowerCase() as `0x${string}`;
}
