import type { Redis } from 'ioredis';
import {
  channels,
  type JobEvent,
  type MarketEvents,
  type OperatorEvent,
  type ProverEvent,
} from './marketEvents.ts';

/**
 * Publishes market events on Redis pub/sub under `prefix`. Publishing is
 * best-effort by design (Postgres is the truth): a failed publish is logged by
 * the caller's `onError` and never fails the state change that caused it.
 */
export function redisMarketEvents(
  redis: Redis,
  prefix: string,
  onError: (error: unknown) => void = () => {},
): MarketEvents {
  const publish = async (channel: string, event: unknown) => {
    try {
      await redis.publish(channel, JSON.stringify(event));
    } catch (error) {
      onError(error);
    }
  };
  return {
    toProver: (proverId: string, event: ProverEvent) => publish(channels.prover(prefix, proverId), event),
    job: (jobId: string, event: JobEvent) => publish(channels.job(prefix, jobId), event),
    operator: (event: OperatorEvent) => publish(channels.operator(prefix), event),
  };
}

/** A live subscription; `close()` unsubscribes and disconnects its connection. */
export interface EventSubscription {
  close(): Promise<void>;
}

/**
 * Subscribes to one channel with a dedicated connection (`redis.duplicate()`)
 * and calls `onEvent` with each parsed message. Used by the api's SSE routes.
 */
export async function subscribeEvents<T>(
  redis: Redis,
  channel: string,
  onEvent: (event: T) => void,
): Promise<EventSubscription> {
  const subscriber = redis.duplicate();
  subscriber.on('error', () => {});
  subscriber.on('message', (received: string, message: string) => {
    if (received !== channel) return;
    try {
      onEvent(JSON.parse(message) as T);
    } catch {
      // a malformed message is dropped: Postgres remains the truth
    }
  });
  await subscriber.subscribe(channel);
  return {
    async close() {
      try {
        await subscriber.unsubscribe(channel);
      } finally {
        subscriber.disconnect();
      }
    },
  };
}
