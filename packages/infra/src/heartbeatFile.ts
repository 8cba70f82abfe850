import { open, utimes } from 'node:fs/promises';

/**
 * Touches `path` now and every `intervalMs` (default 10 s) so a container
 * health check can tell the process is alive from the file's age
 * (docker-compose: younger than 60 s). Returns a function that stops it.
 * Failures to write are ignored (the check then fails, which is the point).
 */
export function touchHeartbeatFile(path: string, intervalMs = 10_000): () => void {
  const touch = async () => {
    try {
      const now = new Date();
      await utimes(path, now, now).catch(async () => {
        await (await open(path, 'a')).close();
      });
    } catch {
      // the health check will notice
    }
  };
  void touch();
  const timer = setInterval(() => void touch(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
