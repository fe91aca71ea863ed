import { loadConfig } from '../../config/config.ts';
import { redact } from '../../store/database-url.ts';
import { StoreError } from '../../store/store-error.ts';
import { storeOptionsFromConfig } from '../../store/store-options.ts';
import { migrateDatabase } from '../../store/store.ts';
import { CliError } from '../cli-error.ts';

export async function migrate(flags: { databaseUrl?: string }): Promise<void> {
  const config = loadConfig(process.env, { databaseUrl: flags.databaseUrl });
  try {
    const { applied } = await migrateDatabase(config.databaseUrl, storeOptionsFromConfig(config));
    const where = redact(config.databaseUrl);
    if (applied.length === 0) process.stdout.write(`${where}: schema up to date, nothing applied\n`);
    for (const name of applied) process.stdout.write(`${where}: applied ${name}\n`);
  } catch (error) {
    if (error instanceof StoreError) throw new CliError(error.message);
    throw error;
  }
}
