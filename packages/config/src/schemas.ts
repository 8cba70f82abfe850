import { z } from 'zod';

/** A TCP port, with a default. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** A URL restricted to the given protocols (without the trailing colon). */
export const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    `invalid URL, expected ${protocols.map((p) => `${p}://…`).join(' or ')}`,
  );

/** A boolean flag written as 1/0, true/false, yes/no. */
export const flag = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no'])
    .optional()
    .transform((value) => (value === undefined ? fallback : ['1', 'true', 'yes'].includes(value)));

/** A 0x-prefixed 32-byte private key. */
export const privateKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 0x-prefixed 32-byte hex private key')
  .transform((value) => value as `0x${string}`);

/** A 0x-prefixed 20-byte address. */
export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte address')
  .transform((value) => value as `0x${string}`);

/** A positive integer (milliseconds, counts), with a default. */
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Log levels understood by pino/fastify. */
export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');
