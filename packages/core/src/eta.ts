import { TenderError } from './TenderError.ts';

/**
 * The `percentile` (0..1, nearest rank) of a prover's measured proving times
 * for one circuit, ms; `null` when it has no measurements yet. A high
 * percentile (default p90) keeps promised times honest on a noisy machine.
 *
 * @example
 * provingMsPercentile([1500, 1600, 2400]); // 2400 (p90 of three samples)
 */
export function provingMsPercentile(samplesMs: readonly number[], percentile = 0.9): number | null {
  if (!(percentile >= 0 && percentile <= 1)) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'percentile must be in 0..1', {
      details: { percentile: String(percentile) },
    });
  }
  const samples = samplesMs.filter((ms) => Number.isFinite(ms) && ms >= 0).sort((a, b) => a - b);
  if (samples.length === 0) return null;
  const rank = Math.max(1, Math.ceil(percentile * samples.length));
  return samples[rank - 1] ?? null;
}

/**
 * Proving time for a circuit of `constraints` scaled linearly from a
 * measurement on another circuit (`knownMs` for `knownConstraints`), rounded up.
 * A first guess until the prover has measured the circuit itself.
 */
export function scaleProvingMs(knownMs: number, knownConstraints: number, constraints: number): number {
  if (!(knownConstraints > 0 && knownMs >= 0 && constraints >= 0)) {
    throw new TenderError(
      'TENDER_VALIDATION_FAILED',
      'scaleProvingMs needs knownConstraints > 0 and times ≥ 0',
      {
        details: { knownMs, knownConstraints, constraints },
      },
    );
  }
  return Math.ceil((knownMs * constraints) / knownConstraints);
}

/** What a prover knows when it promises a time. */
export interface EtaInput {
  /** Expected proving time of this job once started, ms. */
  readonly provingMsEstimate: number;
  /** Assignments it is already working on. */
  readonly activeAssignments: number;
  /** How many it runs at once (≥ 1). */
  readonly concurrency: number;
  /** Whether the circuit's artifacts are already cached. */
  readonly cached: boolean;
  /** Time to fetch and check the artifacts when not cached, ms. */
  readonly fetchMs: number;
  /** Safety margin on top, bps (2 000 = +20 %). */
  readonly safetyBps: number;
}

/**
 * The time a prover promises in its bid, ms (whole, ≥ 1):
 * `ceil((provingMs × (1 + floor(active / concurrency)) + (cached ? 0 : fetchMs)) × (1 + safetyBps / 10 000))`.
 * The middle factor counts the full waves of work queued ahead of this job.
 *
 * @example
 * etaMs({ provingMsEstimate: 2000, activeAssignments: 0, concurrency: 1, cached: false, fetchMs: 500, safetyBps: 2000 }); // 3000
 */
export function etaMs(input: EtaInput): number {
  const { provingMsEstimate, activeAssignments, concurrency, cached, fetchMs, safetyBps } = input;
  const valid =
    Number.isFinite(provingMsEstimate) &&
    provingMsEstimate >= 0 &&
    Number.isSafeInteger(activeAssignments) &&
    activeAssignments >= 0 &&
    Number.isSafeInteger(concurrency) &&
    concurrency >= 1 &&
    Number.isFinite(fetchMs) &&
    fetchMs >= 0 &&
    Number.isSafeInteger(safetyBps) &&
    safetyBps >= 0;
  if (!valid) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'etaMs input out of range', {
      details: { provingMsEstimate, activeAssignments, concurrency, fetchMs, safetyBps },
    });
  }
  const waves = 1 + Math.floor(activeAssignments / concurrency);
  const base = provingMsEstimate * waves + (cached ? 0 : fetchMs);
  return Math.max(1, Math.ceil((base * (10_000 + safetyBps)) / 10_000));
}
