import { illegalTransition, type Lifecycle, unreachable } from './lifecycle.ts';

/** Every slash status, spelled exactly like the Prisma `SlashStatus` enum. */
export const slashStatuses = ['pending', 'submitted', 'confirmed', 'failed'] as const;

/** Where a slashing claim (a prover-signed invalid proof as evidence) is. */
export type SlashStatus = (typeof slashStatuses)[number];

/**
 * Everything that can happen to a slashing claim, named by what happened.
 *
 * - `evidence_submitted` — the slashing transaction was sent.
 * - `slash_confirmed` — it was mined and the stake moved.
 * - `slash_failed` — it could not be sent, or it reverted (e.g. the stake was already gone).
 */
export const slashEvents = ['evidence_submitted', 'slash_confirmed', 'slash_failed'] as const;

/** Something that happened to a slashing claim. */
export type SlashEvent = (typeof slashEvents)[number];

/**
 * The slash status after `event` happens in `from`.
 *
 * @throws TenderError `TENDER_ILLEGAL_TRANSITION` (details: entity, from, event).
 * @example
 * transitionSlash('pending', 'evidence_submitted'); // 'submitted'
 */
export function transitionSlash(from: SlashStatus, event: SlashEvent): SlashStatus {
  switch (from) {
    case 'pending':
      switch (event) {
        case 'evidence_submitted':
          return 'submitted';
        case 'slash_failed':
          return 'failed';
        default:
          throw illegalTransition('slash', from, event);
      }
    case 'submitted':
      switch (event) {
        case 'slash_confirmed':
          return 'confirmed';
        case 'slash_failed':
          return 'failed';
        default:
          throw illegalTransition('slash', from, event);
      }
    case 'confirmed':
    case 'failed':
      throw illegalTransition('slash', from, event);
    default:
      return unreachable(from);
  }
}

/** The slash lifecycle: statuses, events, initial and terminal statuses, and {@link transitionSlash}. */
export const slashLifecycle: Lifecycle<SlashStatus, SlashEvent> = {
  entity: 'slash',
  statuses: slashStatuses,
  events: slashEvents,
  initial: 'pending',
  terminal: ['confirmed', 'failed'],
  transition: transitionSlash,
};
