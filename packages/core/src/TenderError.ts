import { type ErrorCode, httpStatusOf } from './errorCodes.ts';

/**
 * The one error base class of Tender. It carries a stable `code`, a short
 * human message, structured `details` safe to show to the caller, and the
 * underlying `cause` (never shown to callers).
 *
 * @example
 * throw new TenderError('TENDER_NOT_FOUND', 'job not found', { details: { jobId } });
 */
export class TenderError extends Error {
  override name = 'TenderError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return httpStatusOf(this.code);
  }
}

/** True when `error` is a {@link TenderError} (optionally with the given code). */
export function isTenderError(error: unknown, code?: ErrorCode): error is TenderError {
  return error instanceof TenderError && (code === undefined || error.code === code);
}
