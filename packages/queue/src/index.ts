export { freePort, type ResolvedRedis, redact, resolveRedis, spawnRedis } from './localRedis.ts';
export { createRedisConnection, pingRedis } from './redisConnection.ts';
