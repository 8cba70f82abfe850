import type { AssignmentOutcome } from './assignmentLifecycle.ts';
import { TenderError } from './TenderError.ts';

/**
 * How a prover's reliability score moves. The score is an exponentially
 * weighted record of outcomes, always within 0..1:
 *
 * - accepted proof: `r + successGain × (1 − r)` (moves a share of the way to 1)
 * - missed deadline: `r × (1 − missedDeadlinePenalty)`
 * - abandoned: `r × (1 − abandonedPenalty)`
 * - invalid proof: `r × (1 − invalidProofPenalty)`
 * - cancelled by the requester: unchanged
 */
export interface ReliabilityPolicy {
  /** Score of a prover with no history. */
  readonly initial: number;
  readonly successGain: number;
  readonly missedDeadlinePenalty: number;
  readonly abandonedPenalty: number;
  readonly invalidProofPenalty: number;
}

/**
 * Defaults: new provers start at 0.5; a success closes 5 % of the gap to 1;
 * a missed deadline costs 20 % of the score, abandoning 10 %, an invalid proof 50 %.
 * Four successes undo one missed deadline for a prover at 0.5 (0.5 → 0.4 → … → 0.511).
 */
export const defaultReliabilityPolicy: ReliabilityPolicy = {
  initial: 0.5,
  successGain: 0.05,
  missedDeadlinePenalty: 0.2,
  abandonedPenalty: 0.1,
  invalidProofPenalty: 0.5,
};

/**
 * The reliability score after an assignment ended with `outcome`.
 *
 * @throws TenderError `TENDER_VALIDATION_FAILED` when `score` or a policy rate is outside 0..1.
 * @example
 * updateReliability(0.5, 'accepted'); // 0.525
 * updateReliability(0.5, 'failed_invalid'); // 0.25
 */
export function updateReliability(
  score: number,
  outcome: AssignmentOutcome,
  policy: ReliabilityPolicy = defaultReliabilityPolicy,
): number {
  assertUnit('score', score);
  switch (outcome) {
    case 'accepted': {
      const gain = assertUnit('successGain', policy.successGain);
      return clampReliability(score + gain * (1 - score));
    }
    case 'failed_deadline':
      return decay(score, assertUnit('missedDeadlinePenalty', policy.missedDeadlinePenalty));
    case 'abandoned':
      return decay(score, assertUnit('abandonedPenalty', policy.abandonedPenalty));
    case 'failed_invalid':
      return decay(score, assertUnit('invalidProofPenalty', policy.invalidProofPenalty));
    case 'cancelled':
      return score;
  }
}

/** `score` forced into 0..1; anything not a finite number counts as 0 (no trust). */
export function clampReliability(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.min(1, Math.max(0, score));
}

function decay(score: number, penalty: number): number {
  return clampReliability(score * (1 - penalty));
}

function assertUnit(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new TenderError('TENDER_VALIDATION_FAILED', `${name} must be a number in 0..1`, {
      details: { [name]: String(value) },
    });
  }
  return value;
}
