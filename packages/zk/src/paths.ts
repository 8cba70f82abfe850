import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the repository root, computed from this file's location
 * (never from `process.cwd()`), with no trailing slash.
 */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

/**
 * Absolute path of the gitignored on-disk cache of `@tender/zk`
 * (`<repo>/.tender/cache/zk`). Build outputs, zkeys and verification keys live here.
 */
export const zkCacheDir: string = `${repoRoot}/.tender/cache/zk`;
