import { describe, expect, it } from 'vitest';
import { legalEvents } from './lifecycle.ts';
import { type LifecycleTable, lifecyclePairs, reachableStatuses } from './lifecycleTable.ts';
import { slashEvents, slashLifecycle, slashStatuses, transitionSlash } from './slashLifecycle.ts';
import { isTenderError } from './TenderError.ts';

type S = (typeof slashStatuses)[number];
type E = (typeof slashEvents)[number];

// Written out by hand; anything missing is illegal.
const table: LifecycleTable<S, E> = {
  pending: { evidence_submitted: 'submitted', slash_failed: 'failed' },
  submitted: { slash_confirmed: 'confirmed', slash_failed: 'failed' },
  confirmed: {},
  failed: {},
};

describe('slash lifecycle', () => {
  it('spells the statuses exactly like the Prisma SlashStatus enum', () => {
    expect([...slashStatuses]).toEqual(['pending', 'submitted', 'confirmed', 'failed']);
  });

  const pairs = lifecyclePairs(slashLifecycle, table);

  it('walks every (status, event) pair', () => {
    expect(pairs).toHaveLength(slashStatuses.length * slashEvents.length);
  });

  it.each(pairs.filter((p) => p.to !== null))('$from + $event → $to', ({ from, event, to }) => {
    expect(transitionSlash(from, event)).toBe(to);
  });

  it.each(pairs.filter((p) => p.to === null))('$from + $event is illegal', ({ from, event }) => {
    let thrown: unknown;
    try {
      transitionSlash(from, event);
    } catch (error) {
      thrown = error;
    }
    expect(isTenderError(thrown, 'TENDER_ILLEGAL_TRANSITION')).toBe(true);
    expect((thrown as { details: unknown }).details).toEqual({ entity: 'slash', from, event });
  });

  it('reaches every status from pending', () => {
    expect(new Set(reachableStatuses(slashLifecycle))).toEqual(new Set(slashStatuses));
  });

  it('lets nothing leave a terminal status and something leave every other one', () => {
    for (const status of slashStatuses) {
      expect(legalEvents(slashLifecycle, status).length === 0).toBe(slashLifecycle.terminal.includes(status));
    }
  });

  it('cannot slash twice with the same claim', () => {
    expect(() => transitionSlash('confirmed', 'evidence_submitted')).toThrowError(
      /slash in status confirmed/,
    );
  });
});
