import { describe, expect, it } from 'vitest';
import {
  assignmentEvents,
  assignmentLifecycle,
  assignmentStatuses,
  transitionAssignment,
} from './assignmentLifecycle.ts';
import { legalEvents } from './lifecycle.ts';
import { type LifecycleTable, lifecyclePairs, reachableStatuses } from './lifecycleTable.ts';
import { isTenderError } from './TenderError.ts';

type S = (typeof assignmentStatuses)[number];
type E = (typeof assignmentEvents)[number];

// Written out by hand; anything missing is illegal.
const table: LifecycleTable<S, E> = {
  awarded: {
    proving_started: 'proving',
    proof_submitted: 'submitted',
    deadline_missed: 'failed_deadline',
    prover_abandoned: 'abandoned',
    job_cancelled: 'cancelled',
  },
  proving: {
    proof_submitted: 'submitted',
    deadline_missed: 'failed_deadline',
    prover_abandoned: 'abandoned',
  },
  submitted: { proof_accepted: 'accepted', proof_rejected: 'failed_invalid' },
  accepted: { proof_revoked: 'failed_invalid' },
  failed_invalid: {},
  failed_deadline: {},
  abandoned: {},
  cancelled: {},
};

describe('assignment lifecycle', () => {
  it('spells the statuses exactly like the Prisma AssignmentStatus enum', () => {
    expect([...assignmentStatuses]).toEqual([
      'awarded',
      'proving',
      'submitted',
      'accepted',
      'failed_invalid',
      'failed_deadline',
      'abandoned',
      'cancelled',
    ]);
  });

  const pairs = lifecyclePairs(assignmentLifecycle, table);

  it('walks every (status, event) pair', () => {
    expect(pairs).toHaveLength(assignmentStatuses.length * assignmentEvents.length);
  });

  it.each(pairs.filter((p) => p.to !== null))('$from + $event → $to', ({ from, event, to }) => {
    expect(transitionAssignment(from, event)).toBe(to);
  });

  it.each(pairs.filter((p) => p.to === null))('$from + $event is illegal', ({ from, event }) => {
    let thrown: unknown;
    try {
      transitionAssignment(from, event);
    } catch (error) {
      thrown = error;
    }
    expect(isTenderError(thrown, 'TENDER_ILLEGAL_TRANSITION')).toBe(true);
    expect((thrown as { details: unknown }).details).toEqual({ entity: 'assignment', from, event });
  });

  it('reaches every status from awarded', () => {
    expect(new Set(reachableStatuses(assignmentLifecycle))).toEqual(new Set(assignmentStatuses));
  });

  it('lets nothing leave a terminal status and something leave every other one', () => {
    for (const status of assignmentStatuses) {
      expect(legalEvents(assignmentLifecycle, status).length === 0).toBe(
        assignmentLifecycle.terminal.includes(status),
      );
    }
  });

  it('judges a proof that arrived in time on its merits, not on the deadline', () => {
    expect(() => transitionAssignment('submitted', 'deadline_missed')).toThrowError(/cannot take event/);
  });
});
