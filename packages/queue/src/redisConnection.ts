import { Redis } from 'ioredis';

/**
 * Opens an ioredis connection suitable for BullMQ (workers need
 * `maxRetriesPerRequest: null`). The caller owns it and must `quit()` it:
 * BullMQ never closes a connection it was given.
 */
export function createRedisConnection(url: string, options: { keyPrefix?: string } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
  });
}

/**
 * Sends one PING to `url` and resolves with the round-trip time in ms, or
 * rejects with the connection error. It never retries and always disconnects.
 */
export async function pingRedis(url: string, timeoutMs = 1_500): Promise<number> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  const started = performance.now();
  try {
    await client.connect();
    await client.ping();
    return performance.now() - started;
  } finally {
    client.disconnect();
  }
}
