import { readFileSync } from 'node:fs';
import { createPublicClient, http } from 'viem';
import { describe, expect, it } from 'vitest';
import { startAnvil } from './startAnvil.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startAnvil', () => {
  it('starts a real node on a free port and stops it without leaving a process', async () => {
    const anvil = await startAnvil();
    const client = createPublicClient({ transport: http(anvil.rpcUrl) });
    expect(anvil.port).toBeGreaterThan(0);
    expect(await client.getChainId()).toBe(31337);
    expect(await client.getBlockNumber()).toBe(0n);
    expect(isAlive(anvil.pid)).toBe(true);
    expect(readFileSync(`/proc/${anvil.pid}/cmdline`, 'utf8')).toContain('anvil');
    await anvil.stop();
    await anvil.stop(); // idempotent
    expect(isAlive(anvil.pid)).toBe(false);
    await expect(client.getBalance({ address: `0x${'00'.repeat(20)}` })).rejects.toThrow();
  });

  it('runs two independent nodes side by side with their own chain id', async () => {
    const [a, b] = await Promise.all([startAnvil(), startAnvil({ chainId: 1337 })]);
    try {
      expect(a.port).not.toBe(b.port);
      const chainB = await createPublicClient({ transport: http(b.rpcUrl) }).getChainId();
      expect(chainB).toBe(1337);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('mines on an interval when blockTimeSec is set', async () => {
    const anvil = await startAnvil({ blockTimeSec: 1 });
    try {
      const client = createPublicClient({ transport: http(anvil.rpcUrl) });
      await new Promise((r) => setTimeout(r, 2_300));
      expect(await client.getBlockNumber()).toBeGreaterThanOrEqual(2n);
    } finally {
      await anvil.stop();
    }
  });
});
