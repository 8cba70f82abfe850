export { freePort, type ResolvedRedis, redact, resolveRedis, spawnRedis } from './localRedis.ts';
export { type QueueName, type QueuePayloads, queueJobId, queueNames } from './queueNames.ts';
export { createRedisConnection, pingRedis } from './redisConnection.ts';
