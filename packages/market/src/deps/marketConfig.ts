/** Tunables of the market, each with a working local default. */
export interface MarketConfig {
  /** How long an auction collects bids (ms). */
  auctionWindowMs: number;
  /** A prover whose last heartbeat is older than this is not invited (ms). */
  heartbeatTtlMs: number;
  /** Market fee in basis points of the price, charged to the requester on settlement. */
  feeBps: number;
  /**
   * Most awards a job may go through that end without an accepted proof (deadline missed, proof
   * invalid, given back) before it expires as `max_rounds_reached`. Rounds without a bid don't
   * count: the job's deadline ends those.
   */
  maxRounds: number;
  /** Cut a batch at this many proven jobs... */
  batchSize: number;
  /** ...or when the oldest proven job has waited this long (ms). */
  batchMaxAgeMs: number;
  /** Most circuits one requester may have registered on-chain (operator-paid gas) per 24 h. */
  circuitRegistrationsPerDay: number;
  /**
   * Admit a job only while the requester's on-chain escrow, minus its pending withdrawal and the
   * maxFee + fee of its open jobs, covers the new job (`TENDER_INSUFFICIENT_ESCROW`). On in the api
   * server; off by default so that tests and tools without escrow keep working.
   */
  escrowAdmission: boolean;
  /**
   * Webhook targets allowed although non-public (TENDER_WEBHOOK_ALLOW: host names, addresses, CIDRs);
   * every other webhook URL must resolve to public addresses only (see webhookTarget.ts).
   */
  webhookAllow?: readonly string[];
}

/** The local defaults of {@link MarketConfig}. */
export const defaultMarketConfig: MarketConfig = {
  auctionWindowMs: 1_000,
  heartbeatTtlMs: 15_000,
  feeBps: 250,
  maxRounds: 20,
  batchSize: 32,
  batchMaxAgeMs: 30_000,
  circuitRegistrationsPerDay: 10,
  escrowAdmission: false,
};
