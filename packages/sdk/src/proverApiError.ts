/** An RFC 9457 problem document as the Tender api answers errors. */
export interface ProverProblem {
  type?: string;
  title?: string;
  status: number;
  /** Stable error code, e.g. `TENDER_PROOF_INVALID`. */
  code: string;
  detail?: string;
  details?: Record<string, unknown>;
}

/** A non-2xx answer of the api, carrying the problem document's stable `code`. */
export class ProverApiError extends Error {
  override name = 'ProverApiError';
  readonly status: number;
  readonly code: string;
  readonly problem: ProverProblem;

  constructor(problem: ProverProblem) {
    super(`${problem.code}: ${problem.detail ?? problem.title ?? `HTTP ${problem.status}`}`);
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
  }
}

/** Reads a failed response into a {@link ProverApiError} (problem+json when the api sent one). */
export async function proverApiErrorOf(res: Response): Promise<ProverApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<ProverProblem>;
    if (body && typeof body.code === 'string')
      return new ProverApiError({ ...body, status: res.status } as ProverProblem);
  } catch {
    // not JSON
  }
  return new ProverApiError({ status: res.status, code: `HTTP_${res.status}`, detail: text.slice(0, 200) });
}
