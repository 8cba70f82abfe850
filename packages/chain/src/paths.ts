import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (from this file's location, never `process.cwd()`). */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

/** Absolute path of `contracts/` (Solidity sources under `src/`, test-only contracts under `test/`). */
export const contractsDir: string = `${repoRoot}/contracts`;

/** Absolute path of the committed generated ABIs and bytecode. */
export const generatedDir: string = fileURLToPath(new URL('./generated/', import.meta.url)).replace(
  /\/$/,
  '',
);
