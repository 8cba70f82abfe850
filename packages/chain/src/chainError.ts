import { TenderError } from '@tender/core';
import { BaseError, ContractFunctionRevertedError } from 'viem';

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/**
 * The custom error name of a contract revert inside a viem error (e.g. `NonceAlreadyUsed`), or
 * undefined when the error is not a decoded revert.
 */
export function revertErrorName(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  return revert instanceof ContractFunctionRevertedError ? revert.data?.errorName : undefined;
}

/**
 * Maps a viem error to a domain error. A decoded custom-error revert becomes
 * `TENDER_CHAIN_REVERTED` with `details.errorName` (e.g. `InsufficientBalance`) and
 * `details.args` (bigints as decimal strings); anything else (RPC down, timeouts) becomes
 * `TENDER_DEPENDENCY_UNAVAILABLE`. The original error is the `cause`.
 *
 * @example
 * try { await settleBatch(...) } catch (e) { const err = toChainError(e); if (err.details.errorName === 'NonceAlreadyUsed') … }
 */
export function toChainError(error: unknown, action = 'chain call'): TenderError {
  if (error instanceof TenderError) return error;
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      const errorName = revert.data?.errorName ?? 'unknown';
      return new TenderError('TENDER_CHAIN_REVERTED', `${action} reverted: ${errorName}`, {
        details: { errorName, args: plain(revert.data?.args ?? []), signature: revert.signature ?? null },
        cause: error,
      });
    }
    return new TenderError('TENDER_DEPENDENCY_UNAVAILABLE', `${action} failed: ${error.shortMessage}`, {
      cause: error,
    });
  }
  return new TenderError('TENDER_DEPENDENCY_UNAVAILABLE', `${action} failed`, { cause: error });
}
