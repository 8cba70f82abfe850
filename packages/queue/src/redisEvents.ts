import type { Redis } from 'ioredis';

/** Redis pub/sub channel names under a deployment's key prefix. */
export const channels = {
  prover: (prefix: string, proverId: string) => `${prefix}:events:prover:${proverId}`,
  job: (prefix: string, jobId: string) => `${prefix}:events:job:${jobId}`,
  operator: (prefix: string) => `${prefix}:events:operator`,
};

/**
 * Live events published to three audiences: one prover, the followers of one job, the
 * operator. The market's `MarketEvents` port is this with its own event shapes.
 */
export interface LiveEvents<ProverEvent, JobEvent, OperatorEvent> {
  toProver(proverId: string, event: ProverEvent): Promise<void>;
  job(jobId: string, event: JobEvent): Promise<void>;
  operator(event: OperatorEvent): Promise<void>;
}

/**
 * Publishes market events on Redis pub/sub under `prefix`. Publishing is
 * best-effort by design (Postgres is the truth): a failed publish is logged by
 * the caller's `onError` and never fails the state change that caused it.
 */
export function redisMarketEvents<ProverEvent = unknown, JobEvent = unknown, OperatorEvent = unknown>(
  redis: Redis,
  prefix: string,
  onError: (error: unknown) => void = () => {},
): LiveEvents<ProverEvent, JobEvent, OperatorEvent> {
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
