import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot, zkCacheDir } from './paths.ts';

/** The tiny fixture circuit used by this package's tests (`out = a*b[0] + b[1]*c`, `a != 0`). */
export const multiplierSource: string = path.join(repoRoot, 'packages/zk/src/fixtures/multiplier.circom');

/**
 * Creates a fresh, uniquely named scratch folder under the zk cache for one
 * test file and returns it with a cleanup function. Test helper only.
 */
export async function scratchDir(label: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = path.join(zkCacheDir, 'test', `${label}-${process.pid}-${Date.now()}`);
  await mkdir(dir, { recursive: true });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
