import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createStore, migrateDatabase } from '../../../src/store/store.ts';
import { StoreError } from '../../../src/store/store-error.ts';
import { anime } from '../../fixtures/store-fixtures.ts';
import type { SuiteContext } from './store-conformance.ts';

export function migrationCases(ctx: SuiteContext): void {
  test('migrate: an empty database gets the schema; running it again applies nothing', async () => {
    const url = await ctx.freshUrl();
    assert.deepEqual(await migrateDatabase(url), { applied: ['0001_initial', '0002_jobs_owner_and_retention', '0003_gate_pace', '0004_sync_catalog', '0005_data_version', '0007_covers_cache'] });
    assert.deepEqual(await migrateDatabase(url), { applied: [] });
    const { store } = await ctx.open({ url, migrate: false });
    await store.anime.upsertMany([anime(1)]);
    assert.equal(await store.anime.count(), 1);
  });

  test('migrate: a migration named before one already applied is applied too (work merged in another order)', async () => {
    const url = await ctx.freshUrl();
    await migrateDatabase(url);
    // The database as a version with 0007_covers_cache but not yet 0003_gate_pace left it.
    const { store } = await ctx.open({ url, migrate: false });
    await store.db.schema.dropTable('gate_pace').execute();
    await sql`delete from kysely_migration where name = '0003_gate_pace'`.execute(store.db);
    await store.close();
    await assert.rejects(createStore(url, { migrate: false }), /0003_gate_pace/);
    assert.deepEqual(await migrateDatabase(url), { applied: ['0003_gate_pace'] });
    const reopened = await ctx.open({ url, migrate: false });
    await reopened.store.gatePaces.save('jikan', { pace: 0.5, learned: 1, ceiling: 60, changedAt: 1 });
    assert.deepEqual(await reopened.store.gatePaces.load('jikan'), { pace: 0.5, learned: 1, ceiling: 60, changedAt: 1 });
  });

  test('migrate: a store told not to migrate refuses an empty database with a StoreError naming the fix', async () => {
    const url = await ctx.freshUrl();
    await assert.rejects(createStore(url, { migrate: false }), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.equal(error.code, 'schema-outdated');
      assert.match(error.message, /0001_initial.*tsunagu migrate/);
      return true;
    });
  });

  test('migrate: SQLite migrates on open by default, PostgreSQL waits for `tsunagu migrate`', async () => {
    const url = await ctx.freshUrl();
    const { store } = await ctx.open({ url, migrate: true });
    const sqlite = store.dialect === 'sqlite';
    await store.close();
    const url2 = await ctx.freshUrl();
    if (sqlite) {
      const opened = await createStore(url2);
      assert.equal(await opened.anime.count(), 0);
      await opened.close();
    } else {
      await assert.rejects(createStore(url2), StoreError);
    }
  });
}
