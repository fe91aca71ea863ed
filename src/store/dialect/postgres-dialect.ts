import pg from 'pg';
import { PostgresDialect, type Dialect } from 'kysely';

export interface PostgresOptions {
  /** Connections the pool may open. */
  poolSize: number;
  /** Schema for every connection's search_path; undefined leaves the server default. */
  schema: string | undefined;
  /** A pooled connection failed while idle (server restart, network): pg would otherwise crash the process. */
  onIdleError: (error: Error) => void;
}

const INT8_OID = 20;

// pg returns int8 (ids, ms timestamps, count(*)) as strings to avoid silent precision loss.
// Every int8 Tsunagu stores is far below 2^53, so it becomes a number; anything larger is a
// bug worth failing loudly on (pg turns a parser error into a query error).
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} does not fit a JavaScript number`);
  return value;
}

export function postgresDialect(connectionString: string, options: PostgresOptions): Dialect {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    // Per pool, not pg.types.setTypeParser: that would change every other pg user in the process.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', options.onIdleError);
  return new PostgresDialect({ pool });
}
