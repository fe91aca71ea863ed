import type { Command } from 'commander';
import { loadConfig, options } from '../../config/config.ts';

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('print every option with its environment variable, default and current value')
    .option('--json', 'print the resolved config as JSON')
    .action((flags: { json?: boolean }) => {
      const config = loadConfig();
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
        return;
      }
      for (const [key, spec] of Object.entries(options)) {
        const value = (config as Record<string, unknown>)[key];
        const shown = key === 'apiToken' && value ? '(set)' : JSON.stringify(value ?? null);
        process.stdout.write(`${spec.env.padEnd(26)} ${shown}\n    ${spec.description}${'unit' in spec ? ` [${spec.unit}]` : ''} default: ${spec.default ?? '(unset)'}\n`);
      }
    });
}
