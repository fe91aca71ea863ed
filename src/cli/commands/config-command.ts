import type { Command } from 'commander';

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('print every option with its environment variable, default and current value')
    .option('--json', 'print the resolved config as JSON')
    .action(async (flags: { json?: boolean }) => (await import('./config-action.ts')).printConfig(flags));
}
