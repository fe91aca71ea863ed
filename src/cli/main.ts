import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.ts';
import { CliError } from './cli-error.ts';
import { registerConfigCommand } from './commands/config-command.ts';
import { registerDemoCommand } from './commands/demo-command.ts';
import { registerDiscoverCommand } from './commands/discover-command.ts';
import { registerMigrateCommand } from './commands/migrate-command.ts';
import { registerServeCommand } from './commands/serve-command.ts';
import { registerSimCommand } from './commands/sim-command.ts';
import { registerWorkerCommand } from './commands/worker-command.ts';

export function buildProgram(): Command {
  const program = new Command('tsunagu')
    .description('Find a whole anime franchise from one title, ingest it from AniList and Jikan, and show it.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerConfigCommand(program);
  registerDemoCommand(program);
  registerDiscoverCommand(program);
  registerMigrateCommand(program);
  registerServeCommand(program);
  registerSimCommand(program);
  registerWorkerCommand(program);
  return program;
}

/** Runs the CLI; failures print one clear line on stderr and set the exit code. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
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
