import { illegalTransition, type Lifecycle, unreachable } from './lifecycle.ts';

/** Every auction status, spelled exactly like the Prisma `AuctionStatus` enum. */
export const auctionStatuses = ['open', 'awarded', 'no_bids', 'cancelled'] as const;

/** Where one auction round is. Each round of a job is its own auction. */
export type AuctionStatus = (typeof auctionStatuses)[number];

/**
 * Everything that can happen to an auction round, named by what happened.
 *
 * - `bid_awarded` — the round closed and a winner was picked.
 * - `no_bids_received` — the round closed without an acceptable bid.
 * - `job_cancelled` / `job_expired` — the job ended while the round was open.
 */
export const auctionEvents = ['bid_awarded', 'no_bids_received', 'job_cancelled', 'job_expired'] as const;

/** Something that happened to an auction round. */
export type AuctionEvent = (typeof auctionEvents)[number];

/**
 * The auction status after `event` happens in `from`. Only an open round can
 * change; every outcome is final (a new round is a new auction).
 *
 * @throws TenderError `TENDER_ILLEGAL_TRANSITION` (details: entity, from, event).
 * @example
 * transitionAuction('open', 'no_bids_received'); // 'no_bids'
 */
export function transitionAuction(from: AuctionStatus, event: AuctionEvent): AuctionStatus {
  switch (from) {
    case 'open':
      switch (event) {
        case 'bid_awarded':
          return 'awarded';
        case 'no_bids_received':
          return 'no_bids';
        case 'job_cancelled':
        case 'job_expired':
          return 'cancelled';
        default:
          return unreachable(event);
      }
    case 'awarded':
    case 'no_bids':
    case 'cancelled':
      throw illegalTransition('auction', from, event);
    default:
      return unreachable(from);
  }
}

/** The auction lifecycle: statuses, events, initial and terminal statuses, and {@link transitionAuction}. */
export const auctionLifecycle: Lifecycle<AuctionStatus, AuctionEvent> = {
  entity: 'auction',
  statuses: auctionStatuses,
  events: auctionEvents,
  initial: 'open',
  terminal: ['awarded', 'no_bids', 'cancelled'],
  transition: transitionAuction,
};
