import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { storeConformance, type StoreTarget } from '../../test/conformance/store/store-conformance.ts';

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
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    const why = `PostgreSQL not answering at 127.0.0.1:5432 (${(error as Error).message})`;
    // In CI the suite runs anyway, so every case fails loudly instead of silently skipping.
    const skip = process.env.CI === 'true' ? undefined : why;
    return { skip, freshUrl: () => Promise.reject(new Error(`needs PostgreSQL: ${why}`)), cleanup: async () => {} };
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
storeConformance('store on PostgreSQL', await postgresTarget());
