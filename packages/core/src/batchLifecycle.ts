import { illegalTransition, type Lifecycle, unreachable } from './lifecycle.ts';

/** Every batch status, spelled exactly like the Prisma `BatchStatus` enum. */
export const batchStatuses = ['pending', 'submitted', 'confirmed', 'failed'] as const;

/** Where a settlement batch is. */
export type BatchStatus = (typeof batchStatuses)[number];

/**
 * Everything that can happen to a batch, named by what happened.
 *
 * - `batch_submitted` — its transaction was sent.
 * - `batch_resubmitted` — the transaction was replaced (e.g. a gas bump); still in flight.
 * - `batch_confirmed` — the transaction was mined and succeeded.
 * - `batch_failed` — it could not be sent, or its transaction reverted or was dropped.
 *   Its proofs go back to `proven` and the aggregator bisects them into new batches.
 */
export const batchEvents = [
  'batch_submitted',
  'batch_resubmitted',
  'batch_confirmed',
  'batch_failed',
] as const;

/** Something that happened to a batch. */
export type BatchEvent = (typeof batchEvents)[number];

/**
 * The batch status after `event` happens in `from`.
 *
 * @throws TenderError `TENDER_ILLEGAL_TRANSITION` (details: entity, from, event).
 * @example
 * transitionBatch('submitted', 'batch_confirmed'); // 'confirmed'
 */
export function transitionBatch(from: BatchStatus, event: BatchEvent): BatchStatus {
  switch (from) {
    case 'pending':
      switch (event) {
        case 'batch_submitted':
          return 'submitted';
        case 'batch_failed':
          return 'failed';
        default:
          throw illegalTransition('batch', from, event);
      }
    case 'submitted':
      switch (event) {
        case 'batch_resubmitted':
          return 'submitted';
        case 'batch_confirmed':
          return 'confirmed';
        case 'batch_failed':
          return 'failed';
        default:
          throw illegalTransition('batch', from, event);
      }
    case 'confirmed':
    case 'failed':
      throw illegalTransition('batch', from, event);
    default:
      return unreachable(from);
  }
}

/** The batch lifecycle: statuses, events, initial and terminal statuses, and {@link transitionBatch}. */
export const batchLifecycle: Lifecycle<BatchStatus, BatchEvent> = {
  entity: 'batch',
  statuses: batchStatuses,
  events: batchEvents,
  initial: 'pending',
  terminal: ['confirmed', 'failed'],
  transition: transitionBatch,
};
