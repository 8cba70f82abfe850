import type { MarketDeps } from '@tender/market';
import type { Redis } from 'ioredis';
import type { Account, Chain, Transport, WalletClient } from 'viem';

/**
 * What the /v1 routes need, built once by the host (server.ts, the local
 * stack, or a test). Route modules take it as their only dependency.
 */
export interface ApiContext {
  /** The market services' dependencies (prisma, queues, events, chain reads, deployment, config, clock). */
  market: MarketDeps;
  /** Redis for pub/sub subscriptions (SSE) and short-lived keys (SIWE nonces). */
  redis: Redis;
  /** Prefix of every Redis key and channel of this deployment. */
  redisPrefix: string;
  /** Folder where uploaded circuit artifacts are stored, content-addressed. */
  artifactsDir: string;
  /** The operator key the api uses for on-chain writes it owns (circuit registration). */
  operator: WalletClient<Transport, Chain, Account>;
  /** Secret that signs prover session tokens (HMAC). */
  sessionSecret: string;
  /** The public base URL of the api (for SIWE domain checks and links). */
  publicUrl: string;
  /** `TENDER_OPERATOR_TOKEN`: bearer token of the operator API and /metrics; unset = open to loopback clients only. */
  operatorToken?: string;
  /** The ceremony ptau for Groth16 setups of built-in circuits (`TENDER_PTAU_FILE`); unset = the development files. */
  ptau?: { path: string; sha256: string };
}
