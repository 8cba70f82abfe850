// @tender/cli — the `tender` command. See README.md.

export { checkCommandLine } from './commandLine.ts';
export { CliError, ExitCode, type ExitCodeValue } from './exitCodes.ts';
export type { Io } from './output.ts';
export { buildProgram, CLI_VERSION, runCli } from './program.ts';
