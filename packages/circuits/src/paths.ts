import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root, from this file's location (never `process.cwd()`). */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

/** The committed model descriptions (`packages/circuits/models`). */
export const modelsDir: string = fileURLToPath(new URL('../models/', import.meta.url)).replace(/\/$/, '');

/** Gitignored cache of generated circuits and their artifacts (`<repo>/.tender/cache/circuits`). */
export const circuitsCacheDir: string = `${repoRoot}/.tender/cache/circuits`;
