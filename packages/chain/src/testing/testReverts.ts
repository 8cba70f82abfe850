import { isTenderError } from '@tender/core';
import { expect } from 'vitest';
import { toChainError } from '../chainError.ts';

/**
 * Awaits `action` and asserts it reverted with the custom error `errorName` (decoded from the
 * contract ABI, i.e. matched by selector), optionally with these arguments (bigints compared as
 * decimal strings). Test helper.
 */
export async function expectRevert(
  action: Promise<unknown>,
  errorName: string,
  args?: readonly unknown[],
): Promise<void> {
  let error: unknown;
  try {
    await action;
  } catch (e) {
    error = e;
  }
  expect(error, `expected a revert with ${errorName}`).toBeDefined();
  const mapped = toChainError(error);
  expect(isTenderError(mapped, 'TENDER_CHAIN_REVERTED'), String(mapped.message)).toBe(true);
  expect(mapped.details.errorName).toBe(errorName);
  if (args) {
    const plain = (v: unknown): unknown =>
      typeof v === 'bigint' ? v.toString() : typeof v === 'string' ? v.toLowerCase() : v;
    expect((mapped.details.args as unknown[]).map(plain)).toEqual(args.map(plain));
  }
}
