import os from 'node:os';
import { flag, logLevel, parseEnv, positiveInt, privateKey, url } from '@tender/config';
import { z } from 'zod';

const wei = (fallback: string) =>
  z
    .string()
    .regex(/^[0-9]{1,78}$/, 'expected a whole amount of wei (decimal digits)')
    .default(fallback)
    .transform((value) => BigInt(value));

/** The prover worker's environment. Nothing else in the prover reads process.env. */
export const proverEnvSchema = z
  .object({
    /** The prover's private key (0x + 64 hex). Required unless TENDER_DEV=1. */
    PROVER_PRIVATE_KEY: privateKey.optional(),
    /** Development mode: without PROVER_PRIVATE_KEY, use anvil's dev prover key PROVER_DEV_INDEX. */
    TENDER_DEV: flag(false),
    /** Which anvil dev prover key (0..2) to use in development mode. */
    PROVER_DEV_INDEX: z.coerce.number().int().min(0).max(2).default(0),
    /** Base URL of the Tender api. */
    TENDER_API_URL: url(['http', 'https']).default('http://127.0.0.1:8080'),
    /** gpu or cpu: the class of hardware the prover declares. */
    PROVER_KIND: z.enum(['cpu', 'gpu']).default('cpu'),
    /** Proofs at once (and the most assignments plus undecided bids it holds). */
    PROVER_CONCURRENCY: positiveInt(1),
    /** snarkjs (CPU worker threads) or external (PROVER_EXTERNAL_CMD). */
    PROVER_BACKEND: z.enum(['snarkjs', 'external']).default('snarkjs'),
    /** The external prover, rapidsnark-shaped: run as `<cmd> <zkey> <witness.wtns> <proof.json> <public.json>`. */
    PROVER_EXTERNAL_CMD: z.string().optional(),
    /** The least the prover bids, wei. */
    PROVER_PRICE_FLOOR_WEI: wei('0'),
    /** Margin on top of cost, basis points (2000 = +20 %). */
    PROVER_MARGIN_BPS: z.coerce.number().int().min(0).max(1_000_000).default(2_000),
    /** What one second of proving costs the operator, wei. */
    PROVER_COST_PER_SECOND_WEI: wei('1000000000000'),
    /** Memory the prover declares for proving, MiB (default: the machine's memory). */
    PROVER_MEMORY_MB: positiveInt(Math.floor(os.totalmem() / 2 ** 20)),
    /** Largest circuit it takes, constraints. */
    PROVER_MAX_CONSTRAINTS: positiveInt(2_000_000),
    /** A display name shown to the operator dashboard. */
    PROVER_NAME: z.string().max(100).optional(),
    /** How long SIGINT/SIGTERM lets in-flight proofs finish before abandoning them, ms. */
    PROVER_SHUTDOWN_GRACE_MS: positiveInt(30_000),
    /** When set and the key's stake is below the market minimum, stake this much (wei) before registering. */
    PROVER_STAKE_WEI: z
      .string()
      .regex(/^[0-9]{1,78}$/, 'expected a whole amount of wei (decimal digits)')
      .transform((value) => BigInt(value))
      .optional(),
    /** JSON-RPC URL for PROVER_STAKE_WEI (default: the rpcUrl the api advertises in GET /v1/market). */
    RPC_URL: url(['http', 'https']).optional(),
    /** Local data folder; the worker keeps its cache and speeds in `<dir>/prover/<address>`. Default `<repo>/.tender`. */
    TENDER_DATA_DIR: z.string().optional(),
    /** Log level: fatal, error, warn, info, debug, trace, silent. */
    LOG_LEVEL: logLevel,
  })
  .superRefine((env, issues) => {
    if (!env.PROVER_PRIVATE_KEY && !env.TENDER_DEV) {
      issues.addIssue({
        code: 'custom',
        path: ['PROVER_PRIVATE_KEY'],
        message: 'required (or set TENDER_DEV=1 to use an anvil development key)',
      });
    }
    if (env.PROVER_BACKEND === 'external' && !env.PROVER_EXTERNAL_CMD?.trim()) {
      issues.addIssue({
        code: 'custom',
        path: ['PROVER_EXTERNAL_CMD'],
        message: 'required when PROVER_BACKEND=external (e.g. "rapidsnark")',
      });
    }
  });

/** The parsed prover environment. */
export type ProverEnv = z.infer<typeof proverEnvSchema>;

/** Parses the prover's environment, failing with one readable line naming the variable. */
export function loadProverEnv(env: Record<string, string | undefined> = process.env): ProverEnv {
  return parseEnv(proverEnvSchema, env);
}
