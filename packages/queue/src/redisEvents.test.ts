import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from './redisConnection.ts';
import { channels, redisMarketEvents, subscribeEvents } from './redisEvents.ts';

/** A prover event as the market sends it (the shape does not matter to the adapter). */
interface ProverEvent {
  type: string;
  jobId: string;
  reason: string;
}

const redis = createRedisConnection('redis://127.0.0.1:6379');
const prefix = `test-${randomUUID()}`;
afterAll(() => redis.quit());

describe('redis market events', () => {
  it('delivers a prover event to a subscriber of that prover only', async () => {
    const events = redisMarketEvents(redis, prefix);
    const received: ProverEvent[] = [];
    const other: ProverEvent[] = [];
    const mine = await subscribeEvents<ProverEvent>(redis, channels.prover(prefix, 'p1'), (e) =>
      received.push(e),
    );
    const theirs = await subscribeEvents<ProverEvent>(redis, channels.prover(prefix, 'p2'), (e) =>
      other.push(e),
    );
    try {
      await events.toProver('p1', { type: 'cancellation', jobId: 'j1', reason: 'requester cancelled' });
      await expect.poll(() => received.length).toBe(1);
      expect(received[0]).toEqual({ type: 'cancellation', jobId: 'j1', reason: 'requester cancelled' });
      expect(other).toEqual([]);
    } finally {
      await mine.close();
      await theirs.close();
    }
  });

  it('never fails the caller when publishing fails', async () => {
    const broken = createRedisConnection('redis://127.0.0.1:6379');
    broken.disconnect();
    const errors: unknown[] = [];
    const events = redisMarketEvents<
      ProverEvent,
      { type: string; jobId: string; status: string; at: number }
    >(broken, prefix, (e) => errors.push(e));
    await events.job('j1', { type: 'status', jobId: 'j1', status: 'proven', at: 1 });
    expect(errors).toHaveLength(1);
  });
});
