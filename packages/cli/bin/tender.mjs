#!/usr/bin/env node
// `tender`: in the repository it runs the TypeScript sources through tsx; from a packed tarball
// (no src/) it runs the built dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/main.js', import.meta.url).href);
}
