import type { Command } from 'commander';
import { type GlobalOptions, resolveConfig } from '../config.ts';
import { type CommandContext, createContext } from '../context.ts';
import { describeError } from '../describeError.ts';
import { ExitCode, type ExitCodeValue } from '../exitCodes.ts';
import { emit, type Io, toJson } from '../output.ts';

/** What a command's action returns: the `--json` value and the human lines. */
export interface CommandResult {
  value: unknown;
  human: string | string[] | (() => string | string[]);
  /** Non-zero to report a result that is not a success (e.g. verification failed). */
  exitCode?: ExitCodeValue;
}

/** Wraps a command's action: builds its context, prints its result or its error, records the exit code. */
export type Run = <A extends unknown[]>(
  fn: (ctx: CommandContext, ...args: A) => Promise<CommandResult>,
) => (...args: unknown[]) => Promise<void>;

/** The state of one CLI invocation: where it writes and the exit code it ends with. */
export interface Invocation {
  io: Io;
  env: Record<string, string | undefined>;
  exitCode: ExitCodeValue;
}

/** Makes the {@link Run} wrapper of one invocation. */
export function makeRun(inv: Invocation): Run {
  return (fn) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const globals = command.optsWithGlobals() as GlobalOptions;
      let where: { apiUrl: string; rpcUrl?: string } = {
        apiUrl: globals.apiUrl ?? inv.env.TENDER_API_URL ?? '(TENDER_API_URL)',
      };
      let ctx: CommandContext | undefined;
      try {
        const config = resolveConfig(globals, inv.env);
        where = { apiUrl: config.apiUrl, ...(config.rpcUrl === undefined ? {} : { rpcUrl: config.rpcUrl }) };
        ctx = createContext(config, inv.io);
        const result = await fn(ctx, ...(args.slice(0, -1) as never));
        ctx.progress.done();
        const human =
          typeof result.human === 'function' ? result.human : () => result.human as string | string[];
        emit(inv.io, config.json, result.value, human);
        inv.exitCode = result.exitCode ?? ExitCode.ok;
      } catch (error) {
        ctx?.progress.done();
        const d = describeError(error, where);
        if (globals.json === true)
          inv.io.out(toJson({ error: { code: d.code, message: d.message, exitCode: d.exitCode } }));
        else inv.io.err(`error: ${d.message}\n`);
        inv.exitCode = d.exitCode;
      }
    };
}
