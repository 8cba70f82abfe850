/** True under `npm run test:full` (TENDER_SCALE=full): the suites run at full scale. */
export const fullScale = process.env.TENDER_SCALE === 'full';

/** `ci` in `npm test`, `full` under TENDER_SCALE=full. */
export function scaled<T>(ci: T, full: T): T {
  return fullScale ? full : ci;
}

/** One line of a suite's report: what it tried and what held, printed whatever the outcome. */
export function report(suite: string, line: string): void {
  console.log(`[${suite}] ${line}`);
}
