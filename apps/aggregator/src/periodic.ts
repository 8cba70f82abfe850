/** A task run again and again, never overlapping itself. */
export interface Periodic {
  /** Runs the task now (after the current run, if one is going) and resolves with its result. */
  runNow(): Promise<void>;
  /** Stops scheduling and waits for the current run to end. */
  stop(): Promise<void>;
}

/**
 * Runs `task` now and then `intervalMs` after each run ends (so a slow run never overlaps the
 * next). A failing run is reported to `onError` and the loop goes on.
 */
export function periodic(
  task: () => Promise<unknown>,
  intervalMs: number,
  onError: (error: unknown) => void,
): Periodic {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const run = (): Promise<void> => {
    const next = current.then(async () => {
      if (stopped) return;
      try {
        await task();
      } catch (error) {
        onError(error);
      }
    });
    current = next;
    return next;
  };
  const loop = () => {
    void run().then(() => {
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  loop();
  return {
    runNow: run,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
