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

  it('stops anvil by itself when the process that started it dies', async () => {
    const { spawn } = await import('node:child_process');
    const script = `import { startAnvil } from ${JSON.stringify(new URL('./startAnvil.ts', import.meta.url).pathname)};
const a = await startAnvil(); console.log(a.rpcUrl); setInterval(() => {}, 1000);`;
    const orphanMaker = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const rpcUrl = await new Promise<string>((resolve) =>
      orphanMaker.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
    );
    const client = createPublicClient({ transport: http(rpcUrl) });
    expect(await client.getChainId()).toBe(31337);
    orphanMaker.kill('SIGKILL'); // no chance to clean up
    const deadline = Date.now() + 5_000;
    let alive = true;
    while (alive && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      alive = await client.getChainId().then(
        () => true,
        () => false,
      );
    }
    expect(alive).toBe(false);
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
