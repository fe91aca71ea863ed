/**
 * Bad options, every one named. Its own module (no zod) so the CLI can recognise it
 * without loading the option table.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}
