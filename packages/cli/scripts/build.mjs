#!/usr/bin/env node
// Builds the CLI to dist/ for a packed tarball: the SDK's declarations first (the CLI compiles against
// @tender/sdk's dist/, see tsconfig.build.json `paths`), then the CLI with the repository's TypeScript.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [fileURLToPath(new URL('../../sdk/scripts/build.mjs', import.meta.url))], {
  stdio: 'inherit',
});
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
