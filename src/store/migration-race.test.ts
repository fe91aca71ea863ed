import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { postgresTarget, TEST_PG_URL } from '../../test/support/service-targets.ts';
import { createStore } from './store.ts';

test('PostgreSQL: migrations succeed while another run creates and drops its schemas in the same database', async (t) => {
  const target = await postgresTarget();
  if (target.skip) return t.skip(target.skip);
  const other = new pg.Client({ connectionString: TEST_PG_URL });
  await other.connect();
  const prefix = `tsunagu_churn_${randomBytes(4).toString('hex')}`;
  let churning = true;
  // Another test run or installation: schemas with tables (serial columns, as Kysely's own
  // bookkeeping has) appear and vanish while this run migrates its fresh schemas.
  const churn = (async () => {
    for (let i = 0; churning; i++) {
      const schema = `${prefix}_${i}`;
      await other.query(`create schema ${schema}`);
      for (let j = 0; j < 5; j++) await other.query(`create table ${schema}.t${j} (id serial primary key, name text)`);
      await other.query(`drop schema ${schema} cascade`);
    }
  })();
  let opened = 0;
  try {
    for (let i = 0; i < 12; i++) {
      // Migrating a fresh schema, then opening it as serve does (checking for pending migrations).
      const url = await target.freshUrl();
      await (await createStore(url, { migrate: true })).close();
      await (await createStore(url, { migrate: false })).close();
      opened++;
    }
  } finally {
    churning = false;
    await churn;
    await other.end();
    await target.cleanup();
  }
  assert.equal(opened, 12);
});
