import { StoreError } from './store-error.ts';

export type DatabaseTarget =
  | { dialect: 'sqlite'; /** A file path or `:memory:`. */ path: string }
  | {
      dialect: 'postgres';
      /** The URL as pg reads it (without Tsunagu's own `schema` parameter). */
      connectionString: string;
      /** Schema to create tables in and read from (PostgreSQL search_path); undefined = the server's default. */
      schema: string | undefined;
    };

// Lower case only: search_path folds unquoted names, while the schema is created quoted.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads DATABASE_URL: `sqlite:<path>`, `sqlite://<path>`, a plain path or `:memory:` mean SQLite;
 * `postgres://` or `postgresql://` mean PostgreSQL, where `?schema=<name>` picks the schema
 * (so several installations or test runs can share one database).
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (!trimmed) throw new StoreError('bad-url', 'database URL is empty');
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return postgresTarget(trimmed);
  if (/^sqlite:/i.test(trimmed)) {
    const path = trimmed.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) throw new StoreError('bad-url', `database URL ${JSON.stringify(url)} names no file: use sqlite:<path>`);
    return { dialect: 'sqlite', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new StoreError('bad-url', `database URL ${JSON.stringify(redact(url))}: expected sqlite:<path>, a file path or postgres://...`);
  }
  return { dialect: 'sqlite', path: trimmed };
}

function postgresTarget(url: string): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError('bad-url', `database URL ${JSON.stringify(redact(url))} is not a valid URL`);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError('bad-url', `schema ${JSON.stringify(schema)}: expected lower-case letters, digits and _ (at most 63, not starting with a digit)`);
  }
  parsed.searchParams.delete('schema');
  return { dialect: 'postgres', connectionString: parsed.toString(), schema };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
