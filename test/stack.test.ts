import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBuiltinCircuit } from '@tender/circuits';
import { repoRoot } from '@tender/config';
import { freePort } from '@tender/queue';
import { terminateCurves } from '@tender/zk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm start` as a user runs it: the real script, real anvil, real Redis, embedded PGlite.
const root = repoRoot();
const dataDir = await mkdtemp(join(tmpdir(), 'tender-stack-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

// The first start of a fresh clone builds the MNIST circuit (compile + Groth16 setup, cached in
// <repo>/.tender/cache). That build is the same call the stack makes, done here before the stack's
// clock starts, under its own limit: about 2 min on two idle cores, several times that while the rest of
// the suite runs in parallel. Later starts (and the stack below) find it cached.
beforeAll(async () => {
  await buildBuiltinCircuit('mnist');
  await terminateCurves();
}, 1_200_000);

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startStack(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], {
    cwd: root,
    env: { ...process.env, TENDER_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForHealth(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return (await res.json()) as Record<string, unknown>;
      last = await res.text();
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no healthy answer from ${url}: ${String(last)}`);
}

function processesMentioning(text: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(text) && !line.includes('ps -eo'));
}

describe('npm start (the local stack)', () => {
  // Its own waits: health within 240 s, a verified demo job within another 240 s, then shutdown.
  it('comes up healthy on embedded defaults, settles demo MNIST jobs, and Ctrl-C leaves no process behind', {
    timeout: 600_000,
  }, async () => {
    const [port, anvilPort] = [await freePort(), await freePort()];
    const stack = startStack({ PORT: String(port), ANVIL_PORT: String(anvilPort) });
    try {
      const health = await waitForHealth(`http://127.0.0.1:${port}/health`, 240_000);
      expect(health.status).toBe('ok');
      const deps = health.dependencies as Record<string, { ok: boolean }>;
      expect(Object.keys(deps).sort()).toEqual(['chain', 'contracts', 'database', 'redis']);
      // It prints what a newcomer needs, and the demo flow settles MNIST jobs on-chain.
      expect(stack.output()).toContain(`http://localhost:${port}`);
      expect(stack.output()).toMatch(/dev API key {2}tnd_[0-9a-f]{12}_/);
      expect(stack.output()).toMatch(/chain RPC {4}http:\/\/127\.0\.0\.1:\d+/);
      expect(stack.output()).toMatch(/market {3}0x[0-9a-fA-F]{40}/);
      const circuits = (await (await fetch(`http://127.0.0.1:${port}/v1/circuits`)).json()) as {
        items: { name: string; builtin: boolean }[];
      };
      expect(circuits.items.some((c) => c.name === 'mnist' && c.builtin)).toBe(true);
      const deadline = Date.now() + 240_000;
      while (!/\[demo\] job \w+ verified on-chain/.test(stack.output()) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1_000));
      }
      expect(stack.output()).toMatch(/\[demo\] job \w+ verified on-chain: batch \d+, tx 0x/);
      // anvil, and both prover workers, run as children named after the data folder or the stack.
      expect(processesMentioning(dataDir).length).toBeGreaterThan(0);
    } finally {
      process.kill(-stack.child.pid!, 'SIGINT');
    }
    expect(await stack.exited).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  it('fails at start with one readable line naming a malformed variable', async () => {
    const stack = startStack({ REDIS_URL: 'redis//nope' });
    expect(await stack.exited).toBe(1);
    const lines = stack
      .output()
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('[tender]'));
    expect(lines).toEqual([
      '[tender] REDIS_URL: invalid URL, expected redis://… or rediss://… (got "redis//nope")',
    ]);
  });

  it('fails at start naming REDIS_URL when the configured Redis does not answer', async () => {
    const [port, anvilPort, redisPort] = [await freePort(), await freePort(), await freePort()];
    const stack = startStack({
      PORT: String(port),
      ANVIL_PORT: String(anvilPort),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    expect(await stack.exited).toBe(1);
    expect(stack.output()).toMatch(/\[tender\] REDIS_URL: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/);
    await new Promise((r) => setTimeout(r, 300));
    expect(processesMentioning(dataDir)).toEqual([]);
  });
});
