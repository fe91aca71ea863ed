import type { Config } from '../config/config.ts';
import type { StoreOptions } from './store.ts';

/** The StoreOptions the config decides (DATABASE_POOL_SIZE, SQLITE_BUSY_TIMEOUT_MS). */
export function storeOptionsFromConfig(config: Pick<Config, 'databasePoolSize' | 'sqliteBusyTimeoutMs'>): Pick<StoreOptions, 'poolSize' | 'busyTimeoutMs'> {
  return { poolSize: config.databasePoolSize, busyTimeoutMs: config.sqliteBusyTimeoutMs };
}
