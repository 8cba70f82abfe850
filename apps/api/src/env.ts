import { infraEnv, parseEnv, port } from '@tender/config';
import { z } from 'zod';

/** The api's environment. Nothing else in the api reads process.env. */
export const apiEnvSchema = infraEnv.extend({
  /** HTTP port of the api. */
  PORT: port(8080),
  /** Interface to listen on (0.0.0.0 in containers). */
  HOST: z.string().default('127.0.0.1'),
});

/** The parsed api environment. */
export type ApiEnv = z.infer<typeof apiEnvSchema>;

/** Parses the api's environment, failing with one readable line naming the variable. */
export function loadApiEnv(env: Record<string, string | undefined> = process.env): ApiEnv {
  return parseEnv(apiEnvSchema, env);
}
