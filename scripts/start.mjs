#!/usr/bin/env node
// `npm start`: installs what is missing, then runs the local stack (apps/stack)
// in the foreground. Plain Node on purpose: it must run before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`Tender needs Node.js 20 or newer (this is ${process.version}).`);
  process.exit(1);
}

const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000;
if (stale) {
  console.log('[tender] installing dependencies (npm ci)…');
  spawnSync(process.execPath, [join(root, 'scripts/lock-platform-stubs.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The stack handles SIGINT/SIGTERM itself and exits when everything is down;
// this wrapper only waits for it (Ctrl-C reaches both through the process group).
const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'apps/stack/src/main.ts'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (signal !== 'SIGINT') child.kill(signal);
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
