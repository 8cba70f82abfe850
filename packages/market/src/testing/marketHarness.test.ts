import { describe, expect, it } from 'vitest';
import { createMarketHarness } from './marketHarness.ts';

describe('market harness', () => {
  it('gives a test its own database, Redis prefix and chain, and removes them on close', async () => {
    const h = await createMarketHarness();
    expect(await h.deps.prisma.job.count()).toBe(0);
    expect(await h.deps.publicClient.getBytecode({ address: h.deployment.addresses.market })).toMatch(
      /^0x.+/,
    );
    await h.queues.openAuction('job-x', 1);
    const redis = h.redis.duplicate();
    await h.close();
    expect(await redis.keys(`${h.redisPrefix}:*`)).toEqual([]);
    await redis.quit();
  });
});
