import { systemClock } from '../clock.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Catalog } from '../catalog/catalog.ts';
import { DEFAULT_FOLLOW } from '../domain/franchise-policy.ts';
import { followJob, sqliteDatabase, testRuntime, type TestDatabase, type TestRuntime } from '../../test/support/ingest-harness.ts';
import type { RunningSimulator } from '../sim/simulator.ts';
import { createMetrics } from '../http/metrics.ts';
import { createRuntimeApp } from '../http/runtime-app.ts';
import { policyFromConfig } from '../config/franchise-policy-options.ts';
import { walkStored } from '../ingest/franchise-reader.ts';
import { enrichCatalog } from './catalog-enrichment.ts';
import { startSyncSim, syncTestCatalog, TEST_CAP } from '../../test/sync/sync-harness.ts';

const ENV = { SYNC_RESULT_CAP: String(TEST_CAP), TSUNAGU_ENRICH: 'false' };

/** Entries another entry names with a followed type while they do not name it back: live discovery from them cannot see it. */
function oneWayTargets(catalog: Catalog): { target: number; source: number }[] {
  const follow = new Set<string>(DEFAULT_FOLLOW);
  const found: { target: number; source: number }[] = [];
  for (const media of catalog.media.values()) {
    for (const r of media.relations) {
      const target = catalog.media.get(r.id);
      if (!target || r.id === media.id || !follow.has(r.relationType)) continue;
      if (!target.relations.some((back) => back.id === media.id)) found.push({ target: r.id, source: media.id });
    }
  }
  return found;
}

describe('franchises answered from a fresh synced catalog', () => {
  let sim: RunningSimulator;
  let catalog: Catalog;
  const open: { runtime: TestRuntime; db: TestDatabase }[] = [];
  let mirror: TestRuntime;

  async function runtime(env: Record<string, string> = {}): Promise<TestRuntime> {
    const db = await sqliteDatabase();
    const rt = await testRuntime(sim, db.url, { env: { ...ENV, ...env } });
    open.push({ runtime: rt, db });
    return rt;
  }

  before(async () => {
    catalog = await syncTestCatalog();
    sim = await startSyncSim();
    mirror = await runtime();
    const summary = await mirror.catalogSync.run();
    assert.equal(summary.completed, true);
  });
  after(async () => {
    for (const { runtime: rt, db } of open) {
      await rt.close();
      await db.close();
    }
    await sim.close();
  });

  it('discover walks stored edges both ways with no AniList request, and finds what live discovery finds', async () => {
    const pairs = oneWayTargets(catalog).slice(0, 3);
    assert.equal(pairs.length, 3);
    const live = await runtime();
    for (const { target, source } of pairs) {
      sim.reset();
      const { job } = await mirror.ingest.requestIngest({ query: String(target), enrich: false });
      await followJob(mirror, job.id);
      assert.equal(sim.stats().anilist.requests, 0, `AniList requests for franchise ${target}`);
      const view = (await mirror.ingest.getFranchise(target, { mayRefresh: async () => true }))!;
      assert.equal(view.franchise.stale, false);
      const members = new Set(view.members.map((m) => m.id));
      assert.ok(members.has(source), `${source} names ${target} one way; the mirror's franchise of ${target} holds it`);

      const { job: liveJob } = await live.ingest.requestIngest({ query: String(target), enrich: false });
      await followJob(live, liveJob.id);
      const liveView = (await live.ingest.franchiseOf(target))!;
      for (const m of liveView.members) assert.ok(members.has(m.id), `live member ${m.id} of ${target} is in the mirror's answer`);
    }
    assert.equal((await mirror.ingest.getJob((await mirror.store.jobs.list({ limit: 1 }))[0]!.id))?.status, 'succeeded');
  });

  it('a title is resolved in the mirror without AniList', async () => {
    sim.reset();
    const entry = [...catalog.media.values()].find((m) => m.id % 8 === 0 && m.format === 'TV' && m.title.romaji)!;
    const { job } = await mirror.ingest.requestIngest({ query: entry.title.romaji!, enrich: false });
    await followJob(mirror, job.id);
    assert.equal(sim.stats().anilist.requests, 0);
    assert.ok(job.rootId);
  });

  it('GET /api/catalog and /metrics show the catalog: entries, last sync, lag', async () => {
    const app = createRuntimeApp(mirror, { metrics: createMetrics(), shutdown: new AbortController().signal });
    const response = await app.request('/api/catalog');
    assert.equal(response.status, 200);
    const body = await response.json();
    const entries = (await mirror.store.catalog.counts()).entries;
    assert.ok(entries > 3000);
    assert.equal(body.entries, entries);
    assert.equal(body.removed, 0);
    assert.equal(body.fresh, true);
    assert.equal(body.syncing, false);
    assert.ok(Date.now() - Date.parse(body.lastSyncAt) < 600_000);
    assert.equal(typeof body.lagSeconds, 'number');
    const metrics = await (await app.request('/metrics')).text();
    assert.match(metrics, new RegExp(`^tsunagu_catalog_entries ${entries}$`, 'm'));
    assert.match(metrics, /^tsunagu_catalog_sync_lag_seconds \d+$/m);
    assert.match(metrics, /^tsunagu_catalog_last_sync_timestamp_seconds \d+(\.\d+)?$/m);
  });

  it('catalog enrichment takes the franchises people asked for first, then the most popular, and resumes where it stopped', async () => {
    const asked = oneWayTargets(catalog)[1]!.target;
    await mirror.ingest.requestIngest({ query: String(asked), enrich: false });
    const members = [...(await walkStored(mirror.store, asked, policyFromConfig(mirror.config))).members.keys()];
    const withMal = (await Promise.all(members.map((id) => mirror.store.anime.get(id)))).filter((a) => a?.idMal != null).map((a) => a!.id);
    assert.ok(withMal.length > 0);
    const stop = new AbortController();
    const deps = { store: mirror.store, jikan: mirror.upstreams.jikan, clock: systemClock, logger: mirror.logger, policy: policyFromConfig(mirror.config) };
    const first = await enrichCatalog(deps, { concurrency: 4, signal: stop.signal, onRound: () => stop.abort() });
    assert.equal(first.stopped, true);
    for (const id of withMal) assert.ok((await mirror.store.anime.get(id))!.mal, `asked-for member ${id} enriched in the first round`);
    const before = (await mirror.store.catalog.counts()).enriched;
    const next = new AbortController();
    await enrichCatalog(deps, { concurrency: 4, signal: next.signal, onRound: () => next.abort() });
    const after = (await mirror.store.catalog.counts()).enriched;
    assert.ok(after > before, 'a second run goes on with entries not enriched yet');
    const popular = await mirror.store.db.selectFrom('anime').select(['id', 'popularity', 'mal_fetched_at']).where('mal_id', 'is not', null).orderBy('popularity', 'desc').limit(20).execute();
    assert.ok(popular.every((a) => a.mal_fetched_at !== null), 'the most popular go next');
  });

  it('with SYNC_FRESH_MINUTES=0 the same store asks AniList again for stale entries', async () => {
    const rt = await testRuntime(sim, mirror.config.databaseUrl, { env: { ...ENV, SYNC_FRESH_MINUTES: '0' }, runtime: { clock: { now: () => Date.now() + 40 * 86_400_000, sleep: (ms, signal) => systemClock.sleep(ms, signal) } } });
    try {
      sim.reset();
      const target = oneWayTargets(catalog)[0]!.target;
      const { job } = await rt.ingest.requestIngest({ query: String(target), enrich: false });
      await followJob(rt, job.id);
      assert.ok(sim.stats().anilist.requests > 0);
    } finally {
      await rt.close();
    }
  });
});
