/**
 * The port the stages enqueue follow-up work through. Its BullMQ adapter lives in
 * `@tender/queue` (`bullmqMarketQueues`); the market imports the interface only.
 */
export type { MarketQueues } from '@tender/queue';
