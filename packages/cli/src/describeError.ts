import { TenderApiError, TenderJobEndedError, TenderTimeoutError } from '@tender/sdk';
import { CliError, ExitCode, type ExitCodeValue } from './exitCodes.ts';

/** What the CLI prints for an error: one line, a stable code, an exit code. */
export interface DescribedError {
  exitCode: ExitCodeValue;
  code: string;
  message: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

function networkCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns anything thrown into one readable line with an exit code: the api's
 * problem code and message, a missing setting named, an unreachable host
 * named with the variable to set — never a stack trace.
 */
export function describeError(error: unknown, where: { apiUrl: string; rpcUrl?: string }): DescribedError {
  if (error instanceof CliError)
    return { exitCode: error.exitCode, code: error.code, message: error.message };
  if (error instanceof TenderApiError) {
    const detail = error.problem.detail ?? error.problem.title ?? `HTTP ${error.status}`;
    return { exitCode: ExitCode.apiError, code: error.code, message: `${error.code}: ${detail}` };
  }
  if (error instanceof TenderJobEndedError || error instanceof TenderTimeoutError) {
    return { exitCode: ExitCode.jobNotSettled, code: 'TENDER_CLI_JOB_NOT_SETTLED', message: error.message };
  }
  const net = networkCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (net !== undefined || (error instanceof TypeError && message === 'fetch failed')) {
    return {
      exitCode: ExitCode.config,
      code: 'TENDER_CLI_UNREACHABLE',
      message: `cannot reach the api at ${where.apiUrl} (${net ?? 'fetch failed'}): set TENDER_API_URL or --api-url`,
    };
  }
  if (name === 'HttpRequestError' || /HTTP request failed/.test(message)) {
    return {
      exitCode: ExitCode.config,
      code: 'TENDER_CLI_RPC_UNREACHABLE',
      message: `cannot reach the RPC${where.rpcUrl ? ` at ${where.rpcUrl}` : ''}: set TENDER_RPC_URL or --rpc-url`,
    };
  }
  if (name === 'ContractFunctionExecutionError' || /reverted/.test(message)) {
    const first = message.split('\n').find((l) => l.trim() !== '') ?? message;
    return { exitCode: ExitCode.apiError, code: 'TENDER_CLI_TX_REVERTED', message: first };
  }
  return {
    exitCode: ExitCode.apiError,
    code: 'TENDER_CLI_FAILED',
    message: message.split('\n')[0] ?? message,
  };
}
