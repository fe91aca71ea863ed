import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPolicy } from '../domain/franchise-policy.ts';
import { anime, DAY, edge, T0 } from '../../test/fixtures/store-fixtures.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';
import type { FinalJobStatus } from '../store/job-repository.ts';
import { createStore, type Store } from '../store/store.ts';
import { emptyStats, readFranchise } from './franchise-reader.ts';
import type { FranchiseStats } from './franchise-view.ts';

async function openStore(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-reader-'));
  const clock = new ManualClock(T0);
  const store = await createStore(`sqlite:${join(dir, 'store.sqlite')}`, { clock });
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // 1 -> 2 -> 3 in sequence, both ways as AniList lists them (the walk reads only AniList's
  // edges, not inferred ones); 3 -> 4 waits for 4, not stored yet; 9 is another franchise.
  const chain = [edge(1, 2, 'SEQUEL'), edge(2, 1, 'PREQUEL'), edge(2, 3, 'SEQUEL'), edge(3, 2, 'PREQUEL'), edge(3, 4, 'SEQUEL')];
  await store.saveBatch([anime(1), anime(2), anime(3), anime(9)], chain);
  return { store, clock };
}

function stats(durationMs: number): FranchiseStats {
  return {
    durationMs,
    discoveryMs: durationMs - 100,
    enrichmentMs: 100,
    upstreamRequests: { anilist: 2, jikan: 3 },
    failures: [{ id: 4, upstream: 'anilist', status: 500, message: 'Internal Server Error' }],
  };
}

async function finishedJob(store: Store, dedupeKey: string, status: FinalJobStatus, result: unknown): Promise<void> {
  const { job } = await store.jobs.create({ kind: 'ingest', dedupeKey, payload: {} });
  assert.ok(await store.jobs.claim('w', 60_000, job.id));
  await store.jobs.finish(job.id, 'w', status, { result });
}

const read = (store: Store, rootId: number, jobKeySuffix?: string) =>
  readFranchise(store, rootId, { policy: defaultPolicy, now: T0 + DAY, jobKeySuffix });

test('a franchise read shows the stats of the last succeeded or partial job of any member, zeros without one', async (t) => {
  const { store, clock } = await openStore(t);
  assert.deepEqual((await read(store, 1))?.stats, emptyStats(), 'no job stored');

  await finishedJob(store, 'franchise:9', 'succeeded', { stats: stats(999) });
  assert.deepEqual((await read(store, 1))?.stats, emptyStats(), "another franchise's job");

  await clock.advance(1000);
  await finishedJob(store, 'franchise:2', 'partial', { stats: stats(5000) });
  await clock.advance(1000);
  await finishedJob(store, 'franchise:1', 'failed', { stats: stats(7000) });
  await clock.advance(1000);
  await finishedJob(store, 'franchise:1|SEQUEL|10|2', 'succeeded', { stats: stats(8000) });
  const expected = { ...stats(5000), disagreements: [] };
  assert.deepEqual((await read(store, 1))?.stats, expected, 'the partial job keyed by member 2; not the failed one, not another policy');
  assert.deepEqual((await read(store, 3))?.stats, expected, 'the same from another member');
  assert.deepEqual((await read(store, 1, '|SEQUEL|10|2'))?.stats, { ...stats(8000), disagreements: [] }, 'the other policy');

  await clock.advance(1000);
  await finishedJob(store, 'franchise:3', 'succeeded', { stats: stats(6000) });
  assert.deepEqual((await read(store, 1))?.stats, { ...stats(6000), disagreements: [] }, 'the newest one wins');
});

test('a franchise read walks stored and pending edges in one go and tells a member that is not stored', async (t) => {
  const { store } = await openStore(t);
  const view = await read(store, 2);
  assert.ok(view);
  assert.deepEqual(view.members.map((m) => [m.id, m.depth]), [[2, 0], [1, 1], [3, 1]]);
  assert.equal(view.franchise.size, 3);
  assert.equal(view.franchise.stale, true, 'entry 4 is a member the walk reaches but it is not stored');
  assert.deepEqual(
    view.relations.map((r) => `${r.from}>${r.to}:${r.type}:${r.source}`),
    ['1>2:SEQUEL:anilist', '2>1:PREQUEL:anilist', '2>3:SEQUEL:anilist', '3>2:PREQUEL:anilist'],
    'the edges among stored members; not the one waiting for 4',
  );
  assert.deepEqual(view.watchOrder.story, [1, 2, 3]);
  assert.equal(await read(store, 4), null, 'not stored itself');
  assert.equal(await read(store, 404), null);
});
