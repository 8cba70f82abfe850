/**
 * The `tender` command's exit codes (also in packages/cli/README.md and `tender --help`):
 * scripts can rely on them.
 */
export const ExitCode = {
  /** The command did what it was asked. */
  ok: 0,
  /** The api refused (a problem+json answer: its `code` is printed) or a transaction reverted. */
  apiError: 1,
  /** Wrong arguments or an unknown command. */
  usage: 2,
  /** Configuration missing or wrong (no key, wrong chain) or the api/RPC is unreachable. */
  config: 3,
  /** `tender verify`: the job's proof or its on-chain result did not check out. */
  verificationFailed: 4,
  /** `tender job watch` / `--wait`: the job ended otherwise (expired, cancelled, rejected) or timed out. */
  jobNotSettled: 5,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line and exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: ExitCodeValue;
  /** A stable code for `--json` output (e.g. `TENDER_CLI_NO_KEY`, or the api's code). */
  readonly code: string;

  constructor(exitCode: ExitCodeValue, code: string, message: string) {
    super(message);
    this.exitCode = exitCode;
    this.code = code;
  }
}
