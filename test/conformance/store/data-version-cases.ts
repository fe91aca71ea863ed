import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anime, edge } from '../../fixtures/store-fixtures.ts';
import type { SuiteContext } from './store-conformance.ts';

const ingest = (dedupeKey: string) => ({ kind: 'ingest' as const, dedupeKey, payload: { root: 1 } });

export function dataVersionCases(ctx: SuiteContext): void {
  test('data version: every write a franchise view shows moves it, seen by another handle on the same database', async () => {
    const { store: writer, url } = await ctx.open();
    const { store: reader } = await ctx.open({ url });
    let last = await reader.dataVersion();
    const moved = async (what: string) => {
      const now = await reader.dataVersion();
      assert.ok(now > last, `${what} moved the version (${last} -> ${now})`);
      last = now;
    };
    await writer.saveBatch([anime(1), anime(2)], [edge(1, 2, 'SEQUEL')]);
    await moved('saveBatch');
    await writer.anime.setMal(2, { score: 8.1, rank: 10, members: 100, rating: null, status: 'ok', fetchedAt: 1 });
    await moved('setMal');
    await writer.relations.upsertMany([edge(1, 3, 'SIDE_STORY')]);
    await moved('a pending relation');

    const { job } = await writer.jobs.create(ingest('franchise:1'));
    await writer.jobs.claim('w', 60_000, job.id);
    await writer.jobs.updateProgress(job.id, { phase: 'discovery', done: 1, total: 2 });
    assert.equal(await reader.dataVersion(), last, 'queueing, claiming and progress of a job show nowhere: the version stays');
    await writer.jobs.finish(job.id, 'w', 'succeeded', { result: { stats: { durationMs: 5 } } });
    await moved('a job finishing with stats');
    assert.deepEqual(await writer.jobs.prune(Number.MAX_SAFE_INTEGER, 10), [job.id]);
    await moved('deleting the shown job');
  });

  test('data version: a rolled-back write leaves it where it was', async () => {
    const { store } = await ctx.open();
    const before = await store.dataVersion();
    await assert.rejects(
      store.transaction(async (trx) => {
        await trx.anime.upsertMany([anime(7)]);
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await store.dataVersion(), before);
    assert.equal(await store.anime.get(7), undefined);
  });
}
