import { flag, infraEnv, parseEnv, port, positiveInt, privateKey, sha256Hex } from '@tender/config';
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
  /** The aggregator's settlement key. Default: anvil's dev key 1 (local anvil only). */
  OPERATOR_PRIVATE_KEY: privateKey.optional(),
  /** The api's circuit-registration key. Default: the deployer key (local anvil only). */
  REGISTRAR_PRIVATE_KEY: privateKey.optional(),
  /** API key of the development requester (`tnd_<12 hex>_<secret>`). Default: generated once into the data folder. */
  TENDER_DEV_API_KEY: z
    .string()
    .regex(
      /^tnd_[0-9a-f]{12}_[A-Za-z0-9_-]{16,128}$/,
      'expected tnd_<12 hex>_<secret of 16-128 url-safe chars>',
    )
    .optional(),
  /** A prepared powers-of-tau file from a public multi-party ceremony for Groth16 setups (production; see docs/ceremony.md). Unset: the committed single-contributor development files. */
  TENDER_PTAU_FILE: z.string().min(1).optional(),
  /** sha256 of TENDER_PTAU_FILE (64 hex); the file is refused when it does not match. Required with TENDER_PTAU_FILE. */
  TENDER_PTAU_SHA256: sha256Hex.optional(),
  /** How many local prover workers to start (child processes; one snarkjs, then alternating external). */
  TENDER_PROVERS: z.coerce.number().int().min(0).max(3).default(2),
  /** Run the demo requester: submits MNIST jobs of held-out digits and prints them settling. */
  TENDER_DEMO: flag(true),
  /** Milliseconds between demo jobs. */
  TENDER_DEMO_INTERVAL_MS: positiveInt(4_000),
  /** Most demo jobs in flight at once. */
  TENDER_DEMO_MAX_IN_FLIGHT: positiveInt(6),
  /** Cut a batch when the oldest proven job has waited this long (the stack's default is livelier than production's 30 s). */
  BATCH_MAX_AGE_MS: positiveInt(10_000),
  /** Cut a batch at this many proven jobs. */
  BATCH_SIZE: positiveInt(32),
  /** Bearer token of the operator API, dashboard data and /metrics. Unset: loopback clients only. */
  TENDER_OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Webhook targets allowed although non-public (loopback, private, link-local…): comma-separated host names, addresses, CIDRs. Default: none. */
  TENDER_WEBHOOK_ALLOW: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
    ),
  /** HMAC secret of webhook signatures. Default: a development secret. */
  TENDER_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
});

/** The parsed stack environment. */
export type StackEnv = z.infer<typeof stackEnvSchema>;

/** Parses the stack's environment, failing with one readable line naming the variable. */
export function loadStackEnv(env: Record<string, string | undefined> = process.env): StackEnv {
  return parseEnv(stackEnvSchema, env);
}
