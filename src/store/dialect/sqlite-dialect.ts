import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Dialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

export interface SqliteOptions {
  /** How long a writer waits for another process's write lock before SQLITE_BUSY, ms. */
  busyTimeoutMs: number;
}

/** Prepared statements kept per connection; an import cycles through a few dozen distinct texts. */
const STATEMENT_CACHE_SIZE = 256;

// Kysely prepares every query afresh; preparing the 50-row anime upsert alone cost about
// a millisecond per batch. Reusing a statement is safe here: Kysely hands the single
// connection to one query at a time, and nothing here streams (iterate() would keep the
// statement busy).
function withStatementCache(db: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql); // re-insert below: Map order is the LRU order
      } else {
        statement = db.prepare(sql) as unknown as SqliteStatement;
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
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
      // 64 MiB of page cache (the default is 2 MiB): the whole catalog's tables and indexes
      // stay in memory during an import instead of being re-read from the OS.
      db.pragma('cache_size = -65536');
      return withStatementCache(db);
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
