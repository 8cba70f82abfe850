import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { bullmqMarketQueues } from './bullmqMarketQueues.ts';
import { createRedisConnection } from './redisConnection.ts';

const redis = createRedisConnection('redis://127.0.0.1:6379');
const prefix = `test-${randomUUID()}`;
const queues = bullmqMarketQueues(redis, prefix);
afterAll(async () => {
  for (const queue of Object.values(queues.queues)) await queue.obliterate({ force: true });
  await queues.close();
  await redis.quit();
});

describe('bullmq market queues', () => {
  it('adds a job once however often the same domain step is enqueued', async () => {
    await queues.openAuction('job-1', 1);
    await queues.openAuction('job-1', 1);
    await queues.openAuction('job-1', 2, 60_000);
    const counts = await queues.queues.auctions.getJobCounts('waiting', 'delayed');
    expect(counts).toEqual({ waiting: 1, delayed: 1 });
    const job = await queues.queues.auctions.getJob('open-auction.job-1.1');
    expect(job?.data).toEqual({ jobId: 'job-1', round: 1 });
  });

  it('delays a deadline check until its time', async () => {
    await queues.assignmentDeadline('a-1', Date.now() + 30_000);
    const job = await queues.queues.deadlines.getJob('assignment-deadline.a-1');
    expect(job?.opts.delay).toBeGreaterThan(25_000);
  });
});
