/**
 * Every stable error code Tender answers with, and the HTTP status each maps
 * to. Codes are part of the public API: never rename one, only add.
 * Keep the list sorted within each group.
 */
export const errorCodes = {
  // generic
  TENDER_INTERNAL: 500,
  TENDER_VALIDATION_FAILED: 400,
  TENDER_NOT_FOUND: 404,
  TENDER_UNAUTHORIZED: 401,
  TENDER_FORBIDDEN: 403,
  TENDER_CONFLICT: 409,
  TENDER_DEPENDENCY_UNAVAILABLE: 503,
  // configuration
  TENDER_CONFIG_INVALID: 500,
} as const satisfies Record<string, number>;

/** A stable error code, e.g. `TENDER_JOB_NOT_FOUND`. */
export type ErrorCode = keyof typeof errorCodes;

/** The HTTP status an error code maps to. */
export function httpStatusOf(code: ErrorCode): number {
  return errorCodes[code];
}
