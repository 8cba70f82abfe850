#!/usr/bin/env node
// Points package.json's `exports` at the built JavaScript (`dist`) or at the TypeScript sources (`src`).
// In the repository the sources are what tsx and vitest load; `npm pack` runs `prepack` (build, then
// `manifest.mjs dist`) so the tarball's manifest names dist/, and `postpack` (`manifest.mjs src`) puts
// the repository's manifest back. Only the entry paths are rewritten, nothing else in the file.
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
        .replace(/"types": "\.\/src\/([A-Za-z0-9_]+)\.ts"/g, '"types": "./dist/$1.d.ts"')
        .replace(/"default": "\.\/src\/([A-Za-z0-9_]+)\.ts"/g, '"default": "./dist/$1.js"')
    : text
        .replace(/"types": "\.\/dist\/([A-Za-z0-9_]+)\.d\.ts"/g, '"types": "./src/$1.ts"')
        .replace(/"default": "\.\/dist\/([A-Za-z0-9_]+)\.js"/g, '"default": "./src/$1.ts"');
if (next !== text) writeFileSync(file, next);
