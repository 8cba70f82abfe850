import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding the workspace package.json), found from this file's location. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package-lock.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The local data folder: `TENDER_DATA_DIR` when given, else `<repo>/.tender`. */
export function dataDir(configured?: string): string {
  return configured ? resolve(configured) : join(repoRoot(), '.tender');
}
