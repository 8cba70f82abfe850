import type { z } from 'zod';

/** Raised when the environment does not fit an app's schema; its message is one readable line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses `env` (default `process.env`) with a zod object schema whose keys are
 * environment variable names. On failure throws a {@link ConfigError} whose
 * message names the first offending variable, e.g.
 * `REDIS_URL: invalid URL (got "redis//x")`.
 *
 * @example
 * const env = parseEnv(z.object({ PORT: port(8080) }));
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const got = input[variable];
  const shown = got === undefined ? 'unset' : `got ${JSON.stringify(got)}`;
  if (got === undefined && issue.code === 'invalid_type') {
    throw new ConfigError(variable, `${variable}: required (unset)`);
  }
  throw new ConfigError(variable, `${variable}: ${issue.message} (${shown})`);
}
