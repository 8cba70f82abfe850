import type { Command, Option } from 'commander';

const findOption = (options: readonly Option[], flag: string) =>
  options.find((o) => o.long === flag || o.short === flag);

/**
 * Checks a `tender …` command line against the command tree without running it: every word
 * names a known (sub)command, every `--flag` is an option of that command or a global one, every
 * option that takes a value has one, and the required arguments are there. Returns the problem, or
 * null when the line parses. Used to keep the docs' commands true to the CLI.
 */
export function checkCommandLine(program: Command, argv: readonly string[]): string | null {
  let command = program;
  const globals = program.options;
  let positionals = 0;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--help' || word === '-h') return null;
    if (word.startsWith('-')) {
      const [flag, inline] = word.split('=', 2) as [string, string | undefined];
      const option = findOption(command.options, flag) ?? findOption(globals, flag);
      if (option === undefined) return `unknown option ${flag} for \`${command.name()}\``;
      if ((option.required || option.optional) && inline === undefined) {
        const next = argv[i + 1];
        if (option.required && (next === undefined || next.startsWith('--'))) return `${flag} needs a value`;
        if (next !== undefined && !next.startsWith('--')) {
          i++;
          if (option.variadic)
            while (argv[i + 1] !== undefined && !(argv[i + 1] as string).startsWith('-')) i++;
        }
      }
      continue;
    }
    const sub =
      positionals === 0
        ? command.commands.find((c) => c.name() === word || c.aliases().includes(word))
        : undefined;
    if (sub !== undefined) {
      command = sub;
      continue;
    }
    if (command.commands.length > 0 && command.registeredArguments.length === 0) {
      return `unknown command \`${word}\` under \`${command.name()}\``;
    }
    positionals++;
  }
  if (command.commands.length > 0 && command.registeredArguments.length === 0) {
    return `\`${command.name()}\` needs a subcommand (${command.commands.map((c) => c.name()).join(', ')})`;
  }
  const required = command.registeredArguments.filter((a) => a.required).length;
  if (positionals < required)
    return `\`${command.name()}\` needs ${required} argument(s), got ${positionals}`;
  const variadic = command.registeredArguments.some((a) => a.variadic);
  if (!variadic && positionals > command.registeredArguments.length) {
    return `\`${command.name()}\` takes ${command.registeredArguments.length} argument(s), got ${positionals}`;
  }
  for (const option of command.options) {
    if (option.mandatory && !argv.includes(option.long as string))
      return `\`${command.name()}\` needs ${option.long}`;
  }
  return null;
}
