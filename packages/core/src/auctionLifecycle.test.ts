import { describe, expect, it } from 'vitest';
import { auctionEvents, auctionLifecycle, auctionStatuses, transitionAuction } from './auctionLifecycle.ts';
import { legalEvents } from './lifecycle.ts';
import { type LifecycleTable, lifecyclePairs, reachableStatuses } from './lifecycleTable.ts';
import { isTenderError } from './TenderError.ts';

type S = (typeof auctionStatuses)[number];
type E = (typeof auctionEvents)[number];

// Written out by hand; anything missing is illegal.
const table: LifecycleTable<S, E> = {
  open: {
    bid_awarded: 'awarded',
    no_bids_received: 'no_bids',
    job_cancelled: 'cancelled',
    job_expired: 'cancelled',
  },
  awarded: {},
  no_bids: {},
  cancelled: {},
};

describe('auction lifecycle', () => {
  it('spells the statuses exactly like the Prisma AuctionStatus enum', () => {
    expect([...auctionStatuses]).toEqual(['open', 'awarded', 'no_bids', 'cancelled']);
  });

  const pairs = lifecyclePairs(auctionLifecycle, table);

  it('walks every (status, event) pair', () => {
    expect(pairs).toHaveLength(auctionStatuses.length * auctionEvents.length);
  });

  it.each(pairs.filter((p) => p.to !== null))('$from + $event → $to', ({ from, event, to }) => {
    expect(transitionAuction(from, event)).toBe(to);
  });

  it.each(pairs.filter((p) => p.to === null))('$from + $event is illegal', ({ from, event }) => {
    let thrown: unknown;
    try {
      transitionAuction(from, event);
    } catch (error) {
      thrown = error;
    }
    expect(isTenderError(thrown, 'TENDER_ILLEGAL_TRANSITION')).toBe(true);
    expect((thrown as { details: unknown }).details).toEqual({ entity: 'auction', from, event });
  });

  it('reaches every status from open', () => {
    expect(new Set(reachableStatuses(auctionLifecycle))).toEqual(new Set(auctionStatuses));
  });

  it('lets nothing leave a terminal status and something leave every other one', () => {
    for (const status of auctionStatuses) {
      expect(legalEvents(auctionLifecycle, status).length === 0).toBe(
        auctionLifecycle.terminal.includes(status),
      );
    }
  });

  it('never reopens a closed round (a new round is a new auction)', () => {
    expect(() => transitionAuction('no_bids', 'bid_awarded')).toThrowError(/auction in status no_bids/);
  });
});
