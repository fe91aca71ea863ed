import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { storeConformance, type StoreTarget } from './conformance/store-conformance.ts';

function sqliteTarget(): StoreTarget {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-store-'));
  let n = 0;
  return {
    freshUrl: async () => `sqlite:${join(dir, `db-${++n}.sqlite`)}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Each fresh database is a new schema in the shared `test` database, dropped at the end. */
async function postgresTarget(): Promise<StoreTarget> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (error) {
    const why = `PostgreSQL not answering at 127.0.0.1:5432 (${(error as Error).message})`;
    if (process.env.CI === 'true') {
      return { skip: undefined, freshUrl: () => Promise.reject(new Error(`CI=true needs PostgreSQL: ${why}`)), cleanup: async () => {} };
    }
    return { skip: why, freshUrl: () => Promise.reject(new Error(why)), cleanup: async () => {} };
  }
  const run = randomBytes(4).toString('hex');
  const schemas: string[] = [];
  return {
    async freshUrl() {
      const schema = `tsunagu_test_${run}_${schemas.length + 1}`;
      await admin.query(`create schema ${schema}`);
      schemas.push(schema);
      return `${PG_ADMIN_URL}?schema=${schema}`;
    },
    async cleanup() {
      for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    },
  };
}

storeConformance('store on SQLite', sqliteTarget());
const postgres = await postgresTarget();
if (postgres.skip === undefined && process.env.CI !== 'true') {
  storeConformance('store on PostgreSQL', postgres);
} else if (postgres.skip !== undefined) {
  test('store on PostgreSQL', { skip: postgres.skip }, () => {});
} else {
  storeConformance('store on PostgreSQL', postgres);
}
