import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config-error.ts';
import { CliError } from './cli-error.ts';
import { registerConfigCommand } from './commands/config-command.ts';
import { registerDemoCommand } from './commands/demo-command.ts';
import { registerDiscoverCommand } from './commands/discover-command.ts';
import { registerMigrateCommand } from './commands/migrate-command.ts';
import { registerServeCommand } from './commands/serve-command.ts';
import { registerSimCommand } from './commands/sim-command.ts';
import { registerSyncCommand } from './commands/sync-command.ts';
import { registerWorkerCommand } from './commands/worker-command.ts';

/**
 * Every command: its name, flags and help, with an action that imports its module only
 * when it runs, so `--help` and each command load what they use and nothing more.
 */
export function buildProgram(): Command {
  const program = new Command('tsunagu')
    .description('Find a whole anime franchise from one title, ingest it from AniList and Jikan, and show it.')
    .version('0.1.0')
    .configureOutput({ outputError: (text, write) => write(`tsunagu: ${text.replace(/^error: /, '')}`) })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerConfigCommand(program);
  registerDemoCommand(program);
  registerDiscoverCommand(program);
  registerMigrateCommand(program);
  registerServeCommand(program);
  registerSimCommand(program);
  registerSyncCommand(program);
  registerWorkerCommand(program);
  return program;
}

/**
 * The command word `args` names, when no command of `program` has that name: commander
 * would otherwise answer `tsunagu sync --help` with the main help and success.
 */
export function unknownCommand(program: Command, args: readonly string[]): string | null {
  const operands: string[] = [];
  for (let i = 0; i < args.length && operands.length < 2; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      operands.push(...args.slice(i + 1, i + 3));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      operands.push(arg);
      // Only `help <command>` names a command in its second word.
      if (operands[0] !== 'help') break;
      continue;
    }
    const option = program.options.find((o) => o.short === arg || o.long === arg);
    if (option && (option.required || option.optional) && !arg.includes('=')) i++;
  }
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  if (name === undefined || name === 'help') return null;
  return program.commands.some((c) => c.name() === name || c.aliases().includes(name)) ? null : name;
}

/**
 * `help <command>` as `<command> --help`: commander shows the former at once, skipping the
 * hooks that run before a command, and sim's help needs one to load its contract.
 */
export function helpAsFlag(program: Command, args: readonly string[]): readonly string[] {
  const [word, name, ...rest] = args;
  if (word !== 'help' || name === undefined || !program.commands.some((c) => c.name() === name || c.aliases().includes(name))) return args;
  return [name, '--help', ...rest];
}

/** Runs the CLI; failures print one clear line on stderr and set the exit code (2: bad usage). */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const unknown = unknownCommand(program, argv.slice(2));
  if (unknown !== null) {
    const known = program.commands.map((c) => c.name()).join(', ');
    process.stderr.write(`tsunagu: unknown command '${unknown}' (commands: ${known}; add --help for usage)\n`);
    process.exitCode = 2;
    return;
  }
  try {
    await program.parseAsync([...argv.slice(0, 2), ...helpAsFlag(program, argv.slice(2))]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message; help and --version end with 0, every usage error with 2.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof ConfigError || error instanceof CliError) {
      process.stderr.write(`tsunagu: ${error.message}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`tsunagu: ${message}\n`);
    process.exitCode = 1;
  }
}
