#!/usr/bin/env node
// Adds package-lock entries for @biomejs/biome's platform binaries that this machine's npm
// registry mirror does not serve (404), so that `npm ci` accepts the lock. They are optional
// and for other platforms: npm skips them by os/cpu/libc and never downloads them here.
// `npm install` drops them again, so .ci/run calls this before `npm ci`; it is idempotent.
import { readFileSync, writeFileSync } from 'node:fs';

const path = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const biome = lock.packages['node_modules/@biomejs/biome'];
let added = 0;
for (const name of Object.keys(biome?.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const [os, cpu, libc] = name.split('/cli-')[1].split('-');
  lock.packages[key] = {
    version: biome.version,
    cpu: [cpu],
    dev: true,
    ...(libc === 'musl' ? { libc: ['musl'] } : {}),
    license: 'MIT OR Apache-2.0',
    optional: true,
    os: [os],
    engines: { node: '>=14.21.3' },
  };
  added++;
}
if (added > 0) {
  const entries = Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1,
  );
  lock.packages = Object.fromEntries(entries);
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`[lock] added ${added} optional platform entries for @biomejs/biome`);
}
