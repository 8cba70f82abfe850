import { defineConfig } from 'vitest/config';

// One runner for the whole repo: unit tests sit beside the code (`*.test.ts`),
// cross-app tests live in test/. Tests talk to real Postgres, Redis, anvil and
// snarkjs, so timeouts are generous and files run in forked processes.
export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    // Two files at a time: most of a file's time is spent waiting on anvil, Postgres, Redis and
    // child processes, and vitest's default (cores − 1) would run one file at a time here.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    reporters: ['default'],
  },
});
