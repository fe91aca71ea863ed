import type { Command } from 'commander';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create or update the database schema (SQLite does this on open; PostgreSQL needs it once per release)')
    .option('--database-url <url>', 'database to migrate (default: DATABASE_URL)')
    .action(async (flags: { databaseUrl?: string }) => (await import('./migrate-action.ts')).migrate(flags));
}
