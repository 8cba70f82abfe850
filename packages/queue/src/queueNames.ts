/**
 * The BullMQ queues of Tender and the jobs each carries. Redis holds queues
 * only: every queue job is derived from a Postgres row and can be re-created
 * from it, and its id is derived from that row's id (see {@link queueJobId}),
 * so adding it twice, or after a Redis flush, never does the work twice.
 */
export const queueNames = {
  /** Auction lifecycle, consumed by the scheduler. */
  auctions: 'auctions',
  /** Assignment deadlines, consumed by the scheduler. */
  deadlines: 'deadlines',
  /** Webhook deliveries, consumed by the aggregator. */
  webhooks: 'webhooks',
} as const;

/** A queue name. */
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/** Payloads, by queue and job name. Ids are Postgres ids; nothing else travels in Redis. */
export interface QueuePayloads {
  auctions: {
    'open-auction': { jobId: string; round: number };
    'close-auction': { auctionId: string };
  };
  deadlines: {
    'assignment-deadline': { assignmentId: string };
  };
  webhooks: {
    'deliver-webhook': { deliveryId: string };
  };
}

/**
 * The deterministic BullMQ job id for a job name and the domain ids it acts on,
 * e.g. `queueJobId('open-auction', jobId, 2)` → `open-auction.<jobId>.2`.
 * BullMQ forbids `:` in custom ids, so parts are joined with `.`.
 */
export function queueJobId(name: string, ...parts: (string | number)[]): string {
  for (const part of parts) {
    if (String(part).includes(':')) throw new Error(`queue job id part must not contain ':' (got ${part})`);
  }
  return [name, ...parts].join('.');
}
