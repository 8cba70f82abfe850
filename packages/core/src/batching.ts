import { TenderError } from './TenderError.ts';

/** When the aggregator cuts a settlement batch. */
export interface BatchPolicy {
  /** Most proofs in one batch (one transaction). */
  readonly maxBatchSize: number;
  /** Cut once the oldest proven job has waited this long, even if the batch is not full. */
  readonly maxAgeMs: number;
  /** Do not send while the gas price is above this… */
  readonly gasPriceCeilingWei: bigint;
  /** …unless the oldest proven job has waited this long (results must land eventually). */
  readonly gasOverrideAgeMs: number;
}

/** Defaults: 32 proofs, 30 s, 100 gwei ceiling overridden after 10 min. */
export const defaultBatchPolicy: BatchPolicy = {
  maxBatchSize: 32,
  maxAgeMs: 30_000,
  gasPriceCeilingWei: 100n * 10n ** 9n,
  gasOverrideAgeMs: 10 * 60_000,
};

/** What the aggregator sees when it decides. */
export interface BatchQueueState {
  /** Proven jobs waiting for a batch. */
  readonly provenCount: number;
  /** When the oldest of them was proven, ms since epoch (`null` when none). */
  readonly oldestProvenAt: number | null;
  readonly now: number;
  /** Current gas price, wei. */
  readonly gasPriceWei: bigint;
}

/** Why a batch was cut, or why not. */
export type BatchDecision =
  | {
      readonly cut: true;
      /** How many of the oldest proven jobs go in. */
      readonly size: number;
      /** `full`: maxBatchSize reached; `aged`: the oldest waited maxAgeMs; `overdue`: sent despite high gas. */
      readonly reason: 'full' | 'aged' | 'overdue';
    }
  | {
      readonly cut: false;
      readonly reason: 'empty' | 'waiting' | 'gas_too_high';
      /** When the decision would change if nothing else did (`null` when empty). */
      readonly recheckAt: number | null;
    };

/**
 * The pure decision whether to cut a batch now:
 *
 * 1. nothing proven → wait (`empty`);
 * 2. gas price above the ceiling → wait (`gas_too_high`) until the oldest job
 *    has waited `gasOverrideAgeMs`, then cut anyway (`overdue`);
 * 3. at least `maxBatchSize` proven → cut a full batch (`full`);
 * 4. the oldest waited `maxAgeMs` → cut what there is (`aged`);
 * 5. otherwise wait (`waiting`) until the oldest reaches `maxAgeMs`.
 *
 * A cut batch holds `min(provenCount, maxBatchSize)` of the oldest proven jobs.
 *
 * @example
 * decideBatch({ provenCount: 40, oldestProvenAt: now - 1_000, now, gasPriceWei: 10n ** 9n });
 * // { cut: true, size: 32, reason: 'full' }
 */
export function decideBatch(state: BatchQueueState, policy: BatchPolicy = defaultBatchPolicy): BatchDecision {
  if (!Number.isSafeInteger(policy.maxBatchSize) || policy.maxBatchSize < 1) {
    throw new TenderError('TENDER_CONFIG_INVALID', 'maxBatchSize must be a whole number ≥ 1', {
      details: { maxBatchSize: policy.maxBatchSize },
    });
  }
  if (state.provenCount <= 0 || state.oldestProvenAt === null) {
    return { cut: false, reason: 'empty', recheckAt: null };
  }
  const size = Math.min(state.provenCount, policy.maxBatchSize);
  const age = state.now - state.oldestProvenAt;
  if (state.gasPriceWei > policy.gasPriceCeilingWei) {
    if (age >= policy.gasOverrideAgeMs) return { cut: true, size, reason: 'overdue' };
    return { cut: false, reason: 'gas_too_high', recheckAt: state.oldestProvenAt + policy.gasOverrideAgeMs };
  }
  if (state.provenCount >= policy.maxBatchSize) return { cut: true, size, reason: 'full' };
  if (age >= policy.maxAgeMs) return { cut: true, size, reason: 'aged' };
  return { cut: false, reason: 'waiting', recheckAt: state.oldestProvenAt + policy.maxAgeMs };
}
