/** Something the stack started and must stop. */
export interface Running {
  name: string;
  close(): Promise<void>;
}

/**
 * Keeps what the stack started, in order, and stops it in reverse order
 * exactly once, whether start-up failed half-way or a signal arrived.
 */
export class Supervisor {
  readonly #running: Running[] = [];
  #stopping: Promise<void> | undefined;

  constructor(private readonly log: (line: string) => void) {}

  /** Records a started service; returns its value for chaining. */
  add<T>(name: string, value: T, close: (value: T) => Promise<void>): T {
    this.#running.push({ name, close: () => close(value) });
    return value;
  }

  /** Stops everything in reverse start order; each stop is bounded by `timeoutMs`. */
  stop(timeoutMs = 10_000): Promise<void> {
    this.#stopping ??= (async () => {
      for (const service of this.#running.reverse()) {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            service.close(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`did not stop within ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          this.log(`stopped ${service.name}`);
        } catch (error) {
          this.log(`stopping ${service.name} failed: ${(error as Error).message}`);
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return this.#stopping;
  }
}
