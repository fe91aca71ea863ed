import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { InputError, NotFoundError } from '../errors.ts';
import type { RunningSimulator } from '../sim/simulator.ts';
import type { ProgressEvent } from './progress-event.ts';
import { callCounter, catalogFranchise, followJob, sqliteDatabase, startFastSimulator, testRuntime, type TestDatabase, type TestRuntime } from '../../test/support/ingest-harness.ts';

const AOT = 16498;

function finalStatus(events: ProgressEvent[]): string | null {
  const last = events.at(-1);
  return last?.type === 'state' ? last.status : null;
}

describe('franchise service', () => {
  let sim: RunningSimulator;
  const open: { runtime: TestRuntime; db: TestDatabase }[] = [];
  before(async () => {
    sim = await startFastSimulator();
  });
  after(async () => {
    for (const { runtime, db } of open) {
      await runtime.close();
      await db.close();
    }
    await sim.close();
  });
  async function fresh(options: Parameters<typeof testRuntime>[2] = {}): Promise<TestRuntime> {
    const db = await sqliteDatabase();
    const runtime = await testRuntime(sim, db.url, options);
    open.push({ runtime, db });
    return runtime;
  }

  test('50 concurrent ingests of Attack on Titan members make one job and the upstream requests of one run', async () => {
    const { members } = await catalogFranchise(AOT);
    // One run alone, for the request counts to match.
    const oneRun = callCounter();
    const single = await fresh({ runtime: { observer: oneRun.observer } });
    const alone = await single.ingest.requestIngest({ query: String(AOT) });
    await followJob(single, alone.job.id);

    const fifty = callCounter();
    const runtime = await fresh({ runtime: { observer: fifty.observer } });
    const ids = [...members.keys()];
    const requests = Array.from({ length: 50 }, (_, i) => runtime.ingest.requestIngest({ query: String(ids[i % ids.length]) }));
    const results = await Promise.all(requests);
    const jobIds = new Set(results.map((r) => r.job.id));
    assert.equal(jobIds.size, 1, `one job, got ${jobIds.size}`);
    assert.equal(results.filter((r) => r.created).length, 1);
    const events = await followJob(runtime, [...jobIds][0]!);
    assert.equal(finalStatus(events), 'succeeded');
    // Give any stray second job a moment to show itself before counting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await runtime.store.jobs.list({ limit: 10 })).length, 1);
    // No more than one run: the requests that resolve the 50 queries share one batch, so
    // AniList may even see fewer (every member is fetched by it, none by discovery).
    assert.ok(fifty.calls.anilist <= oneRun.calls.anilist, `AniList ${fifty.calls.anilist} calls, one run ${oneRun.calls.anilist}`);
    assert.equal(fifty.calls.jikan, oneRun.calls.jikan);
    // A member asked for while the franchise is stored and no job runs: new work, but nothing to fetch.
    assert.equal((await runtime.ingest.franchiseOf(AOT))?.franchise.size, members.size);
  });

  test('a request for a member while its franchise is being ingested joins the running job', async () => {
    const runtime = await fresh();
    sim.configure({ latencyMs: 60 });
    try {
      const first = await runtime.ingest.requestIngest({ query: String(AOT) });
      // Wait until a later member is stored by this job, then ask for it.
      await new Promise<void>((resolve) => {
        void runtime.bus.subscribe(first.job.id, 0, (event) => {
          if (event.type === 'entries' && event.ids.includes(20958)) resolve();
        });
      });
      const second = await runtime.ingest.requestIngest({ query: '20958' });
      assert.equal(second.created, false);
      assert.equal(second.job.id, first.job.id);
      assert.equal(finalStatus(await followJob(runtime, first.job.id)), 'succeeded');
    } finally {
      sim.configure({ latencyMs: 5 });
    }
  });

  test('enrichment runs behind discovery: MAL data arrives while AniList levels are still being fetched', async () => {
    const runtime = await fresh();
    const { job } = await runtime.ingest.requestIngest({ query: String(AOT) });
    const events = await followJob(runtime, job.id);
    assert.equal(finalStatus(events), 'succeeded');
    const firstEnriched = events.findIndex((e) => e.type === 'entries' && e.phase === 'enrichment');
    const lastDiscovered = events.findLastIndex((e) => e.type === 'entries' && e.phase === 'discovery');
    assert.ok(firstEnriched >= 0 && firstEnriched < lastDiscovered, `first MAL entry at event ${firstEnriched}, last AniList batch at ${lastDiscovered}`);
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    assert.ok(progress.some((p) => p.phase === 'discovery' && p.etaMs !== null && p.etaMs > 0), 'discovery reports an ETA');
    const stored = await runtime.ingest.getJob(job.id);
    assert.equal(stored?.progress.phase, 'done');
    assert.ok(stored?.stats && stored.stats.discoveryMs > 0 && stored.stats.upstreamRequests.jikan > 0);
  });

  test('when every upstream call fails the job fails, naming what it could not get', async () => {
    const runtime = await fresh({ env: { UPSTREAM_RETRIES: '0' } });
    const { job } = await runtime.ingest.requestIngest({ query: '9253' });
    sim.configure({ faults: '500=1' });
    try {
      const events = await followJob(runtime, job.id);
      assert.equal(finalStatus(events), 'failed');
      const finished = (await runtime.ingest.getJob(job.id))!;
      assert.ok(finished.failures.length > 0);
      assert.ok(finished.failures.every((f) => f.status === 500 && f.message.length > 0), JSON.stringify(finished.failures));
    } finally {
      sim.configure({ faults: '' });
    }
  });

  test('a title resolves to the best match and names the others; mal:ID resolves through the MAL id', async () => {
    const runtime = await fresh({ env: { TSUNAGU_ENRICH: 'false' } });
    const byTitle = await runtime.ingest.requestIngest({ query: 'attack on titan' });
    assert.equal(byTitle.job.rootId, AOT);
    assert.equal(byTitle.job.resolution?.chosen.id, AOT);
    assert.ok((byTitle.job.resolution?.alternatives.length ?? 0) > 0, 'other matches named');
    await followJob(runtime, byTitle.job.id);
    // Stored now: the same title resolves from the store.
    sim.reset();
    const again = await runtime.ingest.requestIngest({ query: 'Shingeki no Kyojin' });
    assert.equal(again.job.rootId, AOT);
    await followJob(runtime, again.job.id);
    assert.equal(sim.stats().anilist.requests, 0);

    const byMal = await runtime.ingest.requestIngest({ query: 'mal:5114' });
    const catalog = (await catalogFranchise(AOT)).catalog;
    assert.equal(byMal.job.rootId, catalog.mediaByMalId.get(5114)!.id);
    await followJob(runtime, byMal.job.id);
  });

  test('bad queries are InputErrors naming the query; unknown entries are NotFoundErrors', async () => {
    const runtime = await fresh();
    for (const query of ['', '   ', 'mal:', 'mal:abc', 'mal:0', '0', '-3', '99999999999', '\u0000x', '!!!', 'x'.repeat(300)]) {
      await assert.rejects(runtime.ingest.requestIngest({ query }), (error: unknown) => error instanceof InputError && error.field === 'query', query);
    }
    await assert.rejects(runtime.ingest.requestIngest({ query: '2147483000' }), NotFoundError);
    await assert.rejects(runtime.ingest.requestIngest({ query: 'mal:2147483000' }), NotFoundError);
    await assert.rejects(runtime.ingest.requestIngest({ query: 'qqqq zzzz no such anime' }), NotFoundError);
    await assert.rejects(runtime.ingest.requestIngest({ query: '1', policy: { follow: ['SEQUEL', 'NOPE'] } }), /Unknown relation type `NOPE`/);
    assert.equal(await runtime.ingest.getFranchise(2147483000), null);
    assert.equal(await runtime.ingest.getJob('no-such-job'), null);
    assert.equal(await runtime.ingest.cancel('no-such-job'), null);
  });

  test('a cancelled job stops and ends cancelled; a custom policy is its own job', async () => {
    const runtime = await fresh();
    sim.configure({ latencyMs: 80 });
    try {
      const { job } = await runtime.ingest.requestIngest({ query: '80' });
      const custom = await runtime.ingest.requestIngest({ query: '80', policy: { follow: ['SEQUEL', 'PREQUEL'] } });
      assert.notEqual(custom.job.id, job.id, 'another policy is other work');
      await new Promise((resolve) => setTimeout(resolve, 150));
      const cancelled = await runtime.ingest.cancel(job.id);
      assert.ok(cancelled);
      const events = await followJob(runtime, job.id);
      assert.equal(finalStatus(events), 'cancelled');
      assert.equal((await runtime.ingest.getJob(job.id))?.status, 'cancelled');
      await runtime.ingest.cancel(custom.job.id);
      await followJob(runtime, custom.job.id);
    } finally {
      sim.configure({ latencyMs: 5 });
    }
  });

  test('a stale franchise is served at once, marked stale, and refreshed behind by one job', async () => {
    let offset = 0;
    const clock: Clock = { now: () => systemClock.now() + offset, sleep: systemClock.sleep };
    const runtime = await fresh({ runtime: { clock }, env: { TSUNAGU_ENRICH: 'false' } });
    const { job } = await runtime.ingest.requestIngest({ query: '9253' });
    await followJob(runtime, job.id);
    const freshView = await runtime.ingest.getFranchise(9253);
    assert.equal(freshView?.franchise.stale, false);

    offset = 31 * 86_400_000;
    sim.reset();
    // A reader that may not spend upstream budget gets the stored data and starts nothing.
    let asked = 0;
    const refused = await runtime.ingest.getFranchise(9253, { mayRefresh: async () => (asked++, false) });
    assert.equal(refused?.franchise.stale, true);
    assert.equal((await runtime.ingest.getFranchise(9253))?.franchise.stale, true, 'no permission given: no refresh either');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await runtime.store.jobs.list({ limit: 10 })).length, 1, 'no refresh job');
    assert.equal(asked, 1);
    assert.equal(sim.stats().anilist.requests, 0);

    const mayRefresh = async () => (asked++, true);
    const staleView = await runtime.ingest.getFranchise(9253, { mayRefresh });
    assert.equal(staleView?.franchise.stale, true);
    assert.equal(staleView?.members.length, freshView?.members.length, 'stored data served as it is');
    await runtime.ingest.getFranchise(9253, { mayRefresh });
    assert.equal(asked, 2, 'within the cooldown the permission is not even asked (no budget point taken)');
    const jobs = await runtime.store.jobs.list({ limit: 10 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refresh = (await runtime.store.jobs.list({ limit: 10 })).filter((j) => j.id !== job.id);
    assert.equal(refresh.length, 1, `one refresh job (had ${jobs.length} jobs)`);
    await followJob(runtime, refresh[0]!.id);
    assert.equal((await runtime.ingest.getFranchise(9253))?.franchise.stale, false);
    assert.ok(sim.stats().anilist.requests > 0, 'the refresh fetched the stale entries');
  });

  test('MAL data is merged, MAL relations kept beside AniList, and disagreements visible', async () => {
    const MONONOKE = 2246;
    sim.configure({ faults: 'label=1@jikan' });
    try {
      const runtime = await fresh();
      const { job } = await runtime.ingest.requestIngest({ query: String(MONONOKE) });
      const events = await followJob(runtime, job.id);
      assert.equal(finalStatus(events), 'succeeded');
      assert.ok(events.some((e) => e.type === 'entries' && e.phase === 'enrichment'));
      assert.ok(events.some((e) => e.type === 'progress' && e.progress.phase === 'enrichment'));
      const view = (await runtime.ingest.franchiseOf(MONONOKE))!;
      const withMal = view.members.filter((m) => m.idMal !== null);
      assert.ok(withMal.length > 0);
      for (const m of withMal) assert.ok(m.malStatus === 'ok' || m.malStatus === 'missing', `${m.id} ${m.malStatus}`);
      assert.ok(view.relations.some((r) => r.source === 'mal'), 'MAL-only edges stored');
      // Mononoke and its film Karakasa name each other OTHER; under the label fault MAL calls it
      // "Same setting", a label AniList lacks. (Steins;Gate's OTHER edge, used here before, led to
      // ChäoS;HEAd, a setting crossover that is no longer a member.)
      const other = view.stats.disagreements!.find((d) => d.anilist === 'OTHER');
      assert.ok(other, JSON.stringify(view.stats.disagreements));
      assert.equal(other.mal, 'SAME_SETTING');
      assert.deepEqual((await runtime.store.checkInvariants()).problems, []);
    } finally {
      sim.configure({ faults: '' });
    }
  });
});
