import { Command, CommanderError, Option } from 'commander';
import { addCircuitCommands } from './commands/circuitCommands.ts';
import { addJobCommands } from './commands/jobCommands.ts';
import { addOperatorCommands } from './commands/operatorCommands.ts';
import { addProverCommands } from './commands/proverCommands.ts';
import { addAccountCommands } from './commands/requesterCommands.ts';
import { type Invocation, makeRun } from './commands/run.ts';
import { addVerifyCommand } from './commands/verifyCommand.ts';
import { ExitCode } from './exitCodes.ts';
import { type Io, toJson } from './output.ts';

/** The CLI's version (packages/cli/package.json). */
export const CLI_VERSION = '0.1.0';

const EPILOG = `
Settings (flags win over the environment):
  TENDER_API_URL       the api (default http://127.0.0.1:8080)
  TENDER_RPC_URL       your JSON-RPC node of the market's chain (default: the one the api publishes)
  TENDER_PRIVATE_KEY   your key (0x + 64 hex); or --keystore <file> with TENDER_KEYSTORE_PASSWORD
  TENDER_API_KEY       an API key (instead of the session \`tender login\` stores)
  TENDER_CONFIG_DIR    where the login session is kept (default ~/.config/tender)
  TENDER_OPERATOR_TOKEN  the operator token for \`tender status\`

Exit codes:
  0 ok · 1 the api refused (its code is printed) or a transaction reverted · 2 usage
  3 configuration missing or api/RPC unreachable · 4 verification failed
  5 the job ended otherwise or timed out`;

/**
 * Builds the `tender` command tree for one invocation (commander). Nothing runs
 * until `parseAsync`; tests use it to list the commands the docs may name.
 */
export function buildProgram(inv: Invocation): Command {
  const run = makeRun(inv);
  const program = new Command('tender')
    .description('Tender: zkML proofs on a prover marketplace — for requesters, provers and operators')
    .version(CLI_VERSION)
    .option('--api-url <url>', 'the Tender api (TENDER_API_URL)')
    .option('--rpc-url <url>', 'your RPC node of the market’s chain (TENDER_RPC_URL)')
    .option('--api-key <key>', 'an API key (TENDER_API_KEY)')
    .option('--keystore <file>', 'your key as a v3 keystore or hex file (TENDER_KEYSTORE)')
    .addOption(new Option('--config-dir <dir>', 'where sessions are kept (TENDER_CONFIG_DIR)').hideHelp())
    .option('--json', 'machine-readable output on stdout')
    .addHelpText('after', EPILOG)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => inv.io.out(s),
      writeErr: (s) => inv.io.err(s),
      outputError: (s, write) => write(s),
    });
  addAccountCommands(program, run);
  addCircuitCommands(program, run);
  addJobCommands(program, run);
  addVerifyCommand(program, run);
  addProverCommands(program, run);
  addOperatorCommands(program, run);
  const inherit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput({
        writeOut: (s) => inv.io.out(s),
        writeErr: (s) => inv.io.err(s),
        outputError: (s, write) => write(s),
      });
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/**
 * Runs `tender` with `argv` (without `node` and the script) and resolves with
 * its exit code. Never throws and never prints a stack trace.
 */
export async function runCli(
  argv: string[],
  io: Io,
  env: Record<string, string | undefined>,
): Promise<number> {
  const inv: Invocation = { io, env, exitCode: ExitCode.ok };
  const program = buildProgram(inv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return inv.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return ExitCode.ok;
      }
      if (argv.includes('--json')) {
        io.out(
          toJson({ error: { code: 'TENDER_CLI_USAGE', message: error.message, exitCode: ExitCode.usage } }),
        );
      }
      return ExitCode.usage;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.apiError;
  }
}
