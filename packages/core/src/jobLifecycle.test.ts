import { describe, expect, it } from 'vitest';
import { jobEvents, jobLifecycle, jobStatuses, transitionJob } from './jobLifecycle.ts';
import { legalEvents } from './lifecycle.ts';
import { type LifecycleTable, lifecyclePairs, reachableStatuses } from './lifecycleTable.ts';
import { isTenderError } from './TenderError.ts';

type S = (typeof jobStatuses)[number];
type E = (typeof jobEvents)[number];

// The job's life written out by hand (ARCHITECTURE.md); anything missing is illegal.
const table: LifecycleTable<S, E> = {
  submitted: {
    auction_opened: 'auctioning',
    input_rejected: 'rejected',
    job_expired: 'expired',
    job_cancelled: 'cancelled',
  },
  auctioning: {
    bid_awarded: 'assigned',
    no_bids_received: 'auctioning',
    job_expired: 'expired',
    job_cancelled: 'cancelled',
  },
  assigned: {
    proving_started: 'proving',
    proof_accepted: 'proven',
    proof_rejected: 'auctioning',
    deadline_missed: 'auctioning',
    prover_abandoned: 'auctioning',
    job_expired: 'expired',
    job_cancelled: 'cancelled',
  },
  proving: {
    proof_accepted: 'proven',
    proof_rejected: 'auctioning',
    deadline_missed: 'auctioning',
    prover_abandoned: 'auctioning',
    job_expired: 'expired',
  },
  proven: { proof_batched: 'batched' },
  batched: { batch_confirmed: 'verified', batch_failed: 'proven', proof_revoked: 'auctioning' },
  verified: {},
  expired: {},
  cancelled: {},
  rejected: {},
};

describe('job lifecycle', () => {
  it('spells the statuses exactly like the Prisma JobStatus enum', () => {
    expect([...jobStatuses]).toEqual([
      'submitted',
      'auctioning',
      'assigned',
      'proving',
      'proven',
      'batched',
      'verified',
      'expired',
      'cancelled',
      'rejected',
    ]);
  });

  const pairs = lifecyclePairs(jobLifecycle, table);

  it('walks every (status, event) pair', () => {
    expect(pairs).toHaveLength(jobStatuses.length * jobEvents.length);
  });

  it.each(pairs.filter((p) => p.to !== null))('$from + $event → $to', ({ from, event, to }) => {
    expect(transitionJob(from, event)).toBe(to);
  });

  it.each(pairs.filter((p) => p.to === null))('$from + $event is illegal', ({ from, event }) => {
    let thrown: unknown;
    try {
      transitionJob(from, event);
    } catch (error) {
      thrown = error;
    }
    expect(isTenderError(thrown, 'TENDER_ILLEGAL_TRANSITION')).toBe(true);
    expect((thrown as { details: unknown }).details).toEqual({ entity: 'job', from, event });
    expect((thrown as { status: number }).status).toBe(409);
  });

  it('reaches every status from submitted', () => {
    expect(new Set(reachableStatuses(jobLifecycle))).toEqual(new Set(jobStatuses));
  });

  it('lets nothing leave a terminal status and something leave every other one', () => {
    for (const status of jobStatuses) {
      expect(legalEvents(jobLifecycle, status).length === 0).toBe(jobLifecycle.terminal.includes(status));
    }
  });

  it('re-auctions a job whose prover missed the deadline', () => {
    expect(transitionJob('proving', 'deadline_missed')).toBe('auctioning');
  });

  it('does not let a requester cancel once proving started', () => {
    expect(() => transitionJob('proving', 'job_cancelled')).toThrowError(/cannot take event job_cancelled/);
  });
});
