import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

/*
 * The one place tests get their databases and Redis: SQLite files in a temp dir, and the
 * real PostgreSQL and Redis of the machine. Each test run gets its own PostgreSQL schemas
 * and Redis key prefix and removes them at the end. When a service does not answer, tests
 * skip with the reason; with CI=true they run anyway and fail loudly.
 */

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';
export const TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface RedisTarget {
  /** Why tests cannot run, or undefined when they can. */
  skip: string | undefined;
  url: string;
  /** Unique to this run; every key written must start with it (REDIS_PREFIX may add to it: `<prefix>-1`). */
  prefix: string;
  /** Deletes every key under the prefix and closes the admin connection. */
  cleanup(): Promise<void>;
}

/** Somewhere to open fresh, empty databases: what the store conformance suite and the ingest tests run on. */
export interface DatabaseTarget {
  /** Why tests cannot run here (the server not answering), or undefined when they can. */
  skip: string | undefined;
  /** A DATABASE_URL naming a new empty database (SQLite file, PostgreSQL schema) each call. */
  freshUrl(): Promise<string>;
  /** Removes every database freshUrl made. */
  cleanup(): Promise<void>;
}

function skipOrFail(why: string): string | undefined {
  // In CI the tests run anyway, so every case fails loudly instead of silently skipping.
  return process.env.CI === 'true' ? undefined : why;
}

export async function redisTarget(): Promise<RedisTarget> {
  const prefix = `tsunagu-test-${randomBytes(4).toString('hex')}`;
  const admin = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.ping();
  } catch (error) {
    admin.disconnect();
    return { skip: skipOrFail(`Redis not answering at ${TEST_REDIS_URL} (${(error as Error).message})`), url: TEST_REDIS_URL, prefix, cleanup: async () => {} };
  }
  return {
    skip: undefined,
    url: TEST_REDIS_URL,
    prefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await admin.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
      admin.disconnect();
    },
  };
}

/** SQLite files in a new temp dir. */
export function sqliteTarget(): DatabaseTarget {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-test-'));
  let made = 0;
  return {
    skip: undefined,
    freshUrl: async () => `sqlite:${join(dir, `db-${++made}.sqlite`)}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Schemas in database `test` of the local PostgreSQL. */
export async function postgresTarget(): Promise<DatabaseTarget> {
  const admin = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    const why = `PostgreSQL not answering at 127.0.0.1:5432 (${(error as Error).message})`;
    return { skip: skipOrFail(why), freshUrl: () => Promise.reject(new Error(`needs PostgreSQL: ${why}`)), cleanup: async () => {} };
  }
  const run = randomBytes(4).toString('hex');
  const schemas: string[] = [];
  return {
    skip: undefined,
    async freshUrl() {
      const schema = `tsunagu_test_${run}_${schemas.length + 1}`;
      await admin.query(`create schema ${schema}`);
      schemas.push(schema);
      return `${TEST_PG_URL}?schema=${schema}`;
    },
    async cleanup() {
      for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    },
  };
}
