import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { touchHeartbeatFile } from './heartbeatFile.ts';

const dir = await mkdtemp(join(tmpdir(), 'tender-heartbeat-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('touchHeartbeatFile', () => {
  it('creates the file and keeps its modification time fresh until stopped', async () => {
    const path = join(dir, 'heartbeat');
    const stop = touchHeartbeatFile(path, 50);
    await expect.poll(async () => (await stat(path).catch(() => null)) !== null).toBe(true);
    const first = (await stat(path)).mtimeMs;
    await expect.poll(async () => (await stat(path)).mtimeMs, { timeout: 2_000 }).toBeGreaterThan(first);
    stop();
  });
});
