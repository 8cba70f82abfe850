import type { JobStatus, JobView } from './requesterTypes.ts';

/** An RFC 9457 problem document as the Tender api answers errors. */
export interface TenderProblem {
  type?: string;
  title?: string;
  status: number;
  /** Stable error code, e.g. `TENDER_INPUT_INVALID`. */
  code: string;
  detail?: string;
  instance?: string;
  details?: Record<string, unknown>;
}

/**
 * A non-2xx answer of the Tender api. `code` is the problem document's stable
 * code (`TENDER_INPUT_INVALID`, `TENDER_IDEMPOTENCY_CONFLICT`, …); answers that
 * are not problem documents get `HTTP_<status>`.
 *
 * @example
 * try { await client.submitJob(job) } catch (e) {
 *   if (e instanceof TenderApiError && e.code === 'TENDER_INPUT_INVALID') console.log(e.details.signal);
 * }
 */
export class TenderApiError extends Error {
  override name = 'TenderApiError';
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly problem: TenderProblem;

  constructor(problem: TenderProblem) {
    super(`${problem.code}: ${problem.detail ?? problem.title ?? `HTTP ${problem.status}`}`);
    this.status = problem.status;
    this.code = problem.code;
    this.details = problem.details ?? {};
    this.problem = problem;
  }

  /** Reads a failed response into a {@link TenderApiError}. */
  static async fromResponse(res: Response): Promise<TenderApiError> {
    const text = await res.text().catch(() => '');
    try {
      const body = JSON.parse(text) as Partial<TenderProblem>;
      if (body && typeof body.code === 'string') {
        return new TenderApiError({ ...body, status: res.status } as TenderProblem);
      }
    } catch {
      // not JSON
    }
    return new TenderApiError({ status: res.status, code: `HTTP_${res.status}`, detail: text.slice(0, 300) });
  }
}

/** `waitForJob` saw the job end in a status it can never leave before reaching the one awaited. */
export class TenderJobEndedError extends Error {
  override name = 'TenderJobEndedError';
  readonly job: JobView;
  constructor(job: JobView, awaited: JobStatus) {
    super(
      `job ${job.id} ended ${job.status}${job.statusReason ? ` (${job.statusReason})` : ''} before ${awaited}`,
    );
    this.job = job;
  }
}

/** `waitForJob` ran out of time; `job` is the last state seen. */
export class TenderTimeoutError extends Error {
  override name = 'TenderTimeoutError';
  readonly job: JobView | null;
  constructor(message: string, job: JobView | null) {
    super(message);
    this.job = job;
  }
}
