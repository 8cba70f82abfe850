#!/usr/bin/env node
// Points package.json's `exports` at the built JavaScript (`dist`) or at the TypeScript sources (`src`).
// In the repository the sources are what tsx and vitest load; `npm pack` runs `prepack` (build, then
// `manifest.mjs dist`) so the tarball's manifest names dist/, and `postpack` (`manifest.mjs src`) puts
// the repository's manifest back. Only the two entry paths are rewritten, nothing else in the file.
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.argv[2];
if (target !== 'dist' && target !== 'src') {
  console.error('usage: node scripts/manifest.mjs dist|src');
  process.exit(2);
}
const file = new URL('../package.json', import.meta.url);
const text = readFileSync(file, 'utf8');
const next =
  target === 'dist'
    ? text
        .replace('"types": "./src/index.ts"', '"types": "./dist/index.d.ts"')
        .replace('"default": "./src/index.ts"', '"default": "./dist/index.js"')
    : text
        .replace('"types": "./dist/index.d.ts"', '"types": "./src/index.ts"')
        .replace('"default": "./dist/index.js"', '"default": "./src/index.ts"');
if (next !== text) writeFileSync(file, next);
