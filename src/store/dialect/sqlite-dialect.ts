import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Dialect } from 'kysely';

export interface SqliteOptions {
  /** How long a writer waits for another process's write lock before SQLITE_BUSY, ms. */
  busyTimeoutMs: number;
}

// Kysely opens transactions with a plain BEGIN (deferred). Two processes that both read and
// then write would then deadlock on the lock upgrade and one gets SQLITE_BUSY at once,
// whatever busy_timeout says; BEGIN IMMEDIATE takes the write lock up front, so the other
// writer waits for it instead.
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Opens (creating it and its folder if needed) a SQLite file tuned for one writer process at a time plus readers. */
export function sqliteDialect(path: string, options: SqliteOptions): Dialect {
  const config = {
    database: async () => {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const db = new Database(path);
      // busy_timeout first: switching to WAL itself needs the lock another opener may hold.
      db.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs)}`);
      db.pragma('journal_mode = WAL');
      // NORMAL is safe from corruption in WAL mode; it only risks the last commits on power loss.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      return db;
    },
  };
  const base = new SqliteDialect(config);
  return {
    createDriver: () => new ImmediateSqliteDriver(config),
    createQueryCompiler: () => base.createQueryCompiler(),
    createAdapter: () => base.createAdapter(),
    createIntrospector: (db) => base.createIntrospector(db),
  };
}
