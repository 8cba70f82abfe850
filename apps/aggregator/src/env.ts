import { ConfigError, flag, infraEnv, parseEnv, positiveInt, privateKey } from '@tender/config';
import { z } from 'zod';

/**
 * The aggregator's environment. Nothing else in the aggregator reads process.env.
 * Each variable has a working local default except the two secrets, which default only
 * with `TENDER_DEV=1` (the local stack).
 */
export const aggregatorEnvSchema = infraEnv.extend({
  /** Development mode: the anvil operator key and a fixed webhook secret are used when unset. */
  TENDER_DEV: flag(false),
  /** Key of a market operator: signs settlement and slashing transactions. Required unless TENDER_DEV=1. */
  OPERATOR_PRIVATE_KEY: privateKey.optional(),
  /** HMAC key of the `X-Tender-Signature` webhook header (≥ 16 chars). Required unless TENDER_DEV=1. */
  TENDER_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
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
  /** Most proofs in one settlement transaction. */
  BATCH_SIZE: positiveInt(32),
  /** Settle a partial batch once its oldest proof has waited this long, ms. */
  BATCH_MAX_AGE_MS: positiveInt(30_000),
  /** Hold settlements while the gas price is above this, gwei (overridden after 10 min of waiting). */
  MAX_GAS_PRICE_GWEI: z.coerce.number().positive().default(100),
  /** Replace a settlement/slash transaction not mined after this long with a higher fee, ms. */
  TX_REPLACE_AFTER_MS: positiveInt(30_000),
  /** A job whose one-job batch reverted is retried after this long, ms. */
  SETTLEMENT_RETRY_MS: positiveInt(300_000),
  /** How often the batcher decides, ms. */
  BATCH_INTERVAL_MS: positiveInt(1_000),
  /** How often the chain-event indexer and the slasher run, ms. */
  CHAIN_INTERVAL_MS: positiveInt(2_000),
  /** Webhook deliveries in flight at once. */
  WEBHOOK_CONCURRENCY: positiveInt(4),
  /** A replica without the lease tries to take it this often, ms (takeover time after the holder dies). */
  AGGREGATOR_LEASE_RETRY_MS: positiveInt(1_000),
  /** File touched every 10 s while the aggregator runs (the container health check reads its age). */
  TENDER_HEARTBEAT_FILE: z.string().min(1).default('/tmp/tender-heartbeat'),
});

/** The parsed aggregator environment, secrets resolved. */
export type AggregatorEnv = Omit<
  z.infer<typeof aggregatorEnvSchema>,
  'OPERATOR_PRIVATE_KEY' | 'TENDER_WEBHOOK_SECRET'
> & { OPERATOR_PRIVATE_KEY: `0x${string}`; TENDER_WEBHOOK_SECRET: string };

/** anvil's account #1, the local stack's operator (public knowledge: DEV ONLY). */
const DEV_OPERATOR_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const DEV_WEBHOOK_SECRET = 'tender-dev-webhook-secret';

/** Parses the aggregator's environment, failing with one readable line naming the variable. */
export function loadAggregatorEnv(env: Record<string, string | undefined> = process.env): AggregatorEnv {
  const parsed = parseEnv(aggregatorEnvSchema, env);
  const key = parsed.OPERATOR_PRIVATE_KEY ?? (parsed.TENDER_DEV ? DEV_OPERATOR_KEY : undefined);
  if (key === undefined) {
    throw new ConfigError('OPERATOR_PRIVATE_KEY', 'OPERATOR_PRIVATE_KEY: required (or TENDER_DEV=1) (unset)');
  }
  const secret = parsed.TENDER_WEBHOOK_SECRET ?? (parsed.TENDER_DEV ? DEV_WEBHOOK_SECRET : undefined);
  if (secret === undefined) {
    throw new ConfigError(
      'TENDER_WEBHOOK_SECRET',
      'TENDER_WEBHOOK_SECRET: required (or TENDER_DEV=1) (unset)',
    );
  }
  return { ...parsed, OPERATOR_PRIVATE_KEY: key, TENDER_WEBHOOK_SECRET: secret };
}
