import { ConfigError } from '@tender/config';
import { isTenderError } from '@tender/core';

/**
 * Runs an app's `main` as the process: a start-up failure prints one readable
 * line (configuration and dependency errors name their variable) and exits 1;
 * SIGINT/SIGTERM call the returned `close` once and exit 0.
 */
export function runMain(name: string, main: () => Promise<{ close(): Promise<void> }>): void {
  let closing: Promise<void> | undefined;
  let running: { close(): Promise<void> } | undefined;
  const stop = (code: number) => {
    closing ??= (running?.close() ?? Promise.resolve()).catch((error: unknown) => {
      console.error(`[${name}] stopping failed: ${(error as Error).message}`);
    });
    void closing.then(() => process.exit(code));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(0));
  main().then(
    (app) => {
      running = app;
    },
    (error: unknown) => {
      const readable = error instanceof ConfigError || isTenderError(error);
      console.error(
        `[${name}] ${readable ? (error as Error).message : ((error as Error)?.stack ?? String(error))}`,
      );
      process.exit(1);
    },
  );
}
