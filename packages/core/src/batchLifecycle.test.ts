import { describe, expect, it } from 'vitest';
import { batchEvents, batchLifecycle, batchStatuses, transitionBatch } from './batchLifecycle.ts';
import { legalEvents } from './lifecycle.ts';
import { type LifecycleTable, lifecyclePairs, reachableStatuses } from './lifecycleTable.ts';
import { isTenderError } from './TenderError.ts';

type S = (typeof batchStatuses)[number];
type E = (typeof batchEvents)[number];

// Written out by hand; anything missing is illegal.
const table: LifecycleTable<S, E> = {
  pending: { batch_submitted: 'submitted', batch_failed: 'failed' },
  submitted: { batch_resubmitted: 'submitted', batch_confirmed: 'confirmed', batch_failed: 'failed' },
  confirmed: {},
  failed: {},
};

describe('batch lifecycle', () => {
  it('spells the statuses exactly like the Prisma BatchStatus enum', () => {
    expect([...batchStatuses]).toEqual(['pending', 'submitted', 'confirmed', 'failed']);
  });

  const pairs = lifecyclePairs(batchLifecycle, table);

  it('walks every (status, event) pair', () => {
    expect(pairs).toHaveLength(batchStatuses.length * batchEvents.length);
  });

  it.each(pairs.filter((p) => p.to !== null))('$from + $event → $to', ({ from, event, to }) => {
    expect(transitionBatch(from, event)).toBe(to);
  });

  it.each(pairs.filter((p) => p.to === null))('$from + $event is illegal', ({ from, event }) => {
    let thrown: unknown;
    try {
      transitionBatch(from, event);
    } catch (error) {
      thrown = error;
    }
    expect(isTenderError(thrown, 'TENDER_ILLEGAL_TRANSITION')).toBe(true);
    expect((thrown as { details: unknown }).details).toEqual({ entity: 'batch', from, event });
  });

  it('reaches every status from pending', () => {
    expect(new Set(reachableStatuses(batchLifecycle))).toEqual(new Set(batchStatuses));
  });

  it('lets nothing leave a terminal status and something leave every other one', () => {
    for (const status of batchStatuses) {
      expect(legalEvents(batchLifecycle, status).length === 0).toBe(batchLifecycle.terminal.includes(status));
    }
  });

  it('cannot confirm a batch that was never sent', () => {
    expect(() => transitionBatch('pending', 'batch_confirmed')).toThrowError(
      /cannot take event batch_confirmed/,
    );
  });
});
