import { loadConfig, options } from '../../config/config.ts';

export function printConfig(flags: { json?: boolean }): void {
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
}
