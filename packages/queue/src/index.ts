export { type BullmqMarketQueues, bullmqMarketQueues, type MarketQueues } from './bullmqMarketQueues.ts';
export { freePort, type ResolvedRedis, redact, resolveRedis, spawnRedis } from './localRedis.ts';
export { type QueueName, type QueuePayloads, queueJobId, queueNames } from './queueNames.ts';
export { createRedisConnection, pingRedis } from './redisConnection.ts';
export {
  channels,
  type EventSubscription,
  type LiveEvents,
  redisMarketEvents,
  subscribeEvents,
} from './redisEvents.ts';
