import { infraEnv, parseEnv, port, privateKey } from '@tender/config';
import { z } from 'zod';

/** The local stack's environment (`npm start`). Every variable has a working local default. */
export const stackEnvSchema = infraEnv.extend({
  /** HTTP port of the api (and the dashboard). */
  PORT: port(8080),
  /** Interface the api listens on. */
  HOST: z.string().default('127.0.0.1'),
  /** Port of the local anvil node when RPC_URL is unset; busy → a free one. */
  ANVIL_PORT: port(8545),
  /** Deploys the contracts when the deployment file has none on this chain. Default: anvil's dev key 0 (local anvil only). */
  DEPLOYER_PRIVATE_KEY: privateKey.optional(),
});

/** The parsed stack environment. */
export type StackEnv = z.infer<typeof stackEnvSchema>;

/** Parses the stack's environment, failing with one readable line naming the variable. */
export function loadStackEnv(env: Record<string, string | undefined> = process.env): StackEnv {
  return parseEnv(stackEnvSchema, env);
}
