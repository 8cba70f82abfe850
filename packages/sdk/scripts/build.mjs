#!/usr/bin/env node
// Builds the SDK to dist/ (ESM JavaScript + type declarations) with the repository's TypeScript.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

// tsc rewrites relative `.ts` imports in the JavaScript but not in the declarations: do it there too,
// so consumers resolve `./x.js` → `./x.d.ts` under any moduleResolution.
const dist = fileURLToPath(new URL('../dist', import.meta.url));
for (const file of readdirSync(dist)) {
  if (!file.endsWith('.d.ts')) continue;
  const full = `${dist}/${file}`;
  writeFileSync(full, readFileSync(full, 'utf8').replace(/(from '\.\/[A-Za-z0-9_]+)\.ts'/g, "$1.js'"));
}
