import pg from 'pg';
import { PostgresDialect, sql, type DatabaseIntrospector, type DatabaseMetadata, type Dialect, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

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
  return new TsunaguPostgresDialect({ pool });
}

/**
 * Kysely's own PostgreSQL introspector reads the columns of every table in every schema through
 * per-row catalog functions, which fail ("schema ... does not exist", "column ... does not exist")
 * when another session drops a schema meanwhile: parallel test runs, or several installations in
 * one database. Tsunagu introspects only so that the migrator finds its bookkeeping tables, so
 * this one lists the current schema's tables by name, from one catalog scan (a consistent
 * snapshot that a concurrent drop cannot break). Columns are not read.
 */
class TsunaguPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    return (await sql<SchemaMetadata>`select nspname as name from pg_catalog.pg_namespace`.execute(this.db)).rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ schema: string; name: string; kind: string }>`
      select n.nspname as schema, c.relname as name, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v', 'm')`.execute(this.db);
    return rows.map((row) => ({ schema: row.schema, name: row.name, isView: row.kind === 'v' || row.kind === 'm', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}
