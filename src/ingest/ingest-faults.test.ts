import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { walkEntryFromCatalog } from '../catalog/catalog-to-domain.ts';
import { walkFranchise } from '../domain/franchise-walk.ts';
import type { RunningSimulator } from '../sim/simulator.ts';
import { callCounter, catalogFranchise, followJob, sqliteDatabase, startFastSimulator, testRuntime, type TestDatabase } from '../../test/support/ingest-harness.ts';

// 30% of requests to each upstream fail, in every way the simulator knows. The engine retries a
// failed entry once, so an entry is named as failed only when two of its requests fail: at 30%
// about 9% of Gundam's ~120 entries, so the failure path is taken on any request order (at 20%,
// about 4.6 entries were expected, and 1 run in ~100 named none).
const FAULTS = '429=0.04,storm=0.01:1,500=0.07,502=0.05,504=0.04,html403=0.03,hang=0.01,truncate=0.05';
const GUNDAM = 80;

let sim: RunningSimulator;
let db: TestDatabase;
before(async () => {
  sim = await startFastSimulator({ seed: 7 });
  db = await sqliteDatabase();
});
after(async () => {
  await sim.close();
  await db.close();
});

test('30% faults: the job ends with every entry or names each missing one, and a re-run completes it', async () => {
  const expected = await catalogFranchise(GUNDAM);
  const entryOf = (id: number) => {
    const entry = expected.catalog.media.get(id);
    return entry ? walkEntryFromCatalog(entry) : undefined;
  };
  // No client retries, so faults do reach the engine: its own retry round and its failure
  // records are what is tested here, not the HTTP layer's retries.
  const env = { UPSTREAM_RETRIES: '0', UPSTREAM_TIMEOUT_MS: '2000' };
  const first = await testRuntime(sim, db.url, { env });
  let jikanFailedBefore = 0;
  let aniListFailedBefore = 0;
  let storedBefore = 0;
  try {
    // The query resolves first (a failure there is the caller's error, not the job's).
    const { job } = await first.ingest.requestIngest({ query: String(GUNDAM) });
    sim.configure({ faults: FAULTS });
    const events = await followJob(first, job.id, 120_000);
    const finished = (await first.ingest.getJob(job.id))!;
    assert.ok(['succeeded', 'partial'].includes(finished.status), finished.status);
    const announced = events.flatMap((e) => (e.type === 'failure' ? [e.failure] : []));
    assert.deepEqual(
      finished.failures.map((f) => `${f.upstream}:${f.id}`).sort(),
      announced.map((f) => `${f.upstream}:${f.id}`).sort(),
      'every failure recorded was announced',
    );
    assert.equal(finished.status === 'partial', finished.failures.length > 0);
    for (const failure of finished.failures) {
      assert.ok(failure.message.length > 0 && Number.isInteger(failure.id), JSON.stringify(failure));
    }

    // Whatever was not stored is either named, or only reachable through something named.
    const aniListFailed = new Set(finished.failures.filter((f) => f.upstream === 'anilist').map((f) => f.id));
    const reachable = walkFranchise(GUNDAM, (id) => (aniListFailed.has(id) ? undefined : entryOf(id)));
    const stored = new Set((await first.store.anime.getMany([...expected.members.keys()])).map((a) => a.id));
    for (const id of reachable.members.keys()) assert.ok(stored.has(id) || aniListFailed.has(id), `${id} neither stored nor named`);
    // Every stored member with a MAL id has MAL data, or its Jikan failure is named.
    const jikanFailed = new Set(finished.failures.filter((f) => f.upstream === 'jikan').map((f) => f.id));
    for (const anime of await first.store.anime.getMany([...stored])) {
      if (anime.idMal === null) continue;
      const ok = anime.mal?.status === 'ok' || anime.mal?.status === 'missing';
      assert.ok(ok || jikanFailed.has(anime.id), `${anime.id}: MAL ${anime.mal?.status ?? 'absent'} and not named`);
    }
    assert.deepEqual((await first.store.checkInvariants()).problems, []);
    jikanFailedBefore = jikanFailed.size;
    aniListFailedBefore = aniListFailed.size;
    storedBefore = stored.size;
    // The seed makes this a real test of the failure path, not only of retries.
    assert.ok(jikanFailed.size + aniListFailed.size > 0, 'the faults caused at least one named failure');
  } finally {
    await first.close();
  }

  // The upstreams recover: a re-run fetches what is missing or failed, and completes.
  sim.configure({ faults: '' });
  const rerun = callCounter();
  const second = await testRuntime(sim, db.url, { runtime: { observer: rerun.observer } });
  try {
    const { job } = await second.ingest.requestIngest({ query: String(GUNDAM) });
    await followJob(second, job.id, 60_000);
    const finished = (await second.ingest.getJob(job.id))!;
    assert.equal(finished.status, 'succeeded', JSON.stringify(finished.failures));
    const view = (await second.ingest.franchiseOf(GUNDAM))!;
    assert.deepEqual(
      view.members.map((m) => m.id).sort((a, b) => a - b),
      [...expected.members.keys()].sort((a, b) => a - b),
    );
    for (const member of view.members) if (member.idMal !== null) assert.ok(member.malStatus === 'ok' || member.malStatus === 'missing');
    // Only what was missing or failed went upstream again: Jikan for the entries whose MAL
    // fetch failed, and for those the first run could not store at all.
    const notStoredBefore = expected.members.size - storedBefore;
    assert.ok(rerun.calls.jikan <= jikanFailedBefore + notStoredBefore, `re-run: ${rerun.calls.jikan} Jikan calls for ${jikanFailedBefore} failed + ${notStoredBefore} new`);
    assert.ok(rerun.calls.anilist <= aniListFailedBefore + notStoredBefore, `re-run: ${rerun.calls.anilist} AniList calls`);
    assert.deepEqual((await second.store.checkInvariants()).problems, []);
  } finally {
    await second.close();
  }
});
