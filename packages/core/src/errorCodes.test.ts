import { describe, expect, it } from 'vitest';
import { type ErrorCode, errorCodes, httpStatusOf } from './errorCodes.ts';

describe('errorCodes', () => {
  it('names every code TENDER_UPPER_SNAKE and maps it to a 4xx or 5xx status', () => {
    for (const [code, status] of Object.entries(errorCodes)) {
      expect(code).toMatch(/^TENDER_[A-Z0-9]+(_[A-Z0-9]+)*$/);
      expect(Number.isInteger(status) && status >= 400 && status <= 599).toBe(true);
    }
  });

  it.each<[ErrorCode, number]>([
    ['TENDER_ILLEGAL_TRANSITION', 409],
    ['TENDER_BID_REJECTED', 422],
    ['TENDER_JOB_NOT_FOUND', 404],
    ['TENDER_CIRCUIT_NOT_FOUND', 404],
    ['TENDER_INPUT_INVALID', 400],
    ['TENDER_IDEMPOTENCY_CONFLICT', 409],
    ['TENDER_AUCTION_CLOSED', 409],
    ['TENDER_SIGNATURE_INVALID', 401],
    ['TENDER_INSUFFICIENT_STAKE', 403],
    ['TENDER_PROOF_INVALID', 422],
    ['TENDER_JOB_NOT_CANCELLABLE', 409],
    ['TENDER_DEADLINE_INVALID', 400],
    ['TENDER_INSUFFICIENT_COLLATERAL', 409],
  ])('maps %s to %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
  });
});
