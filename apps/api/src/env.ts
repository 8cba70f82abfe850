import { flag, infraEnv, parseEnv, port, positiveInt, privateKey, sha256Hex, url } from '@tender/config';
import { z } from 'zod';

/** The api's environment. Nothing else in the api reads process.env. */
export const apiEnvSchema = infraEnv.extend({
  /** HTTP port of the api. */
  PORT: port(8080),
  /** Interface to listen on (0.0.0.0 in containers). */
  HOST: z.string().default('127.0.0.1'),
  /** Public base URL of the api, as provers reach it (SIWE domain). Default `http://localhost:$PORT`. */
  TENDER_PUBLIC_URL: url(['http', 'https']).optional(),
  /** Key of the api's own on-chain writes (circuit registration). Required unless TENDER_DEV=1. */
  REGISTRAR_PRIVATE_KEY: privateKey.optional(),
  /** HMAC secret of prover session tokens (share it between api replicas). Dev: generated into the data folder. */
  TENDER_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Bearer token of the operator API, dashboard data and /metrics. Unset: loopback clients only. */
  TENDER_OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A prepared powers-of-tau file from a public multi-party ceremony for Groth16 setups (production; see docs/ceremony.md). Unset: the committed single-contributor development files. */
  TENDER_PTAU_FILE: z.string().min(1).optional(),
  /** sha256 of TENDER_PTAU_FILE (64 hex); the file is refused when it does not match. Required with TENDER_PTAU_FILE. */
  TENDER_PTAU_SHA256: sha256Hex.optional(),
  /**
   * Proxies whose forwarding headers name the client (fastify `trustProxy`): unset/`false` = none (default),
   * `true` = any, or comma-separated addresses/CIDRs (`127.0.0.1,10.0.0.0/8`).
   */
  TRUST_PROXY: z.string().optional(),
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
  /** Requests per RATE_LIMIT_WINDOW_MS and client (API key, prover, or address), counted in Redis; 0 = no limit. */
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(600),
  /** Rate-limit window, ms. */
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1).default(60_000),
  /** Answer 503 while the event loop lags more than this, ms; 0 = never. */
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1_000),
  /** Development mode: anvil's well-known keys become the defaults. Never on a real network. */
  TENDER_DEV: flag(false),
  /** New circuits one requester may have registered on-chain (the registrar pays the gas) per 24 h. */
  CIRCUIT_REGISTRATIONS_PER_DAY: positiveInt(10),
});

/** The parsed api environment. */
export type ApiEnv = z.infer<typeof apiEnvSchema>;

/** Parses the api's environment, failing with one readable line naming the variable. */
export function loadApiEnv(env: Record<string, string | undefined> = process.env): ApiEnv {
  return parseEnv(apiEnvSchema, env);
}
