import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadCatalog, type Catalog } from '../../catalog/catalog.ts';
import { relationTypeFromMalLabel } from '../../domain/relation-type.ts';
import { startSimulator, type RunningSimulator } from '../../sim/simulator.ts';
import { ManualClock } from '../../../test/support/manual-clock.ts';
import { simUpstreams } from '../../../test/support/sim-upstreams.ts';
import { UpstreamError } from '../upstream-error.ts';
import { toJikanFull } from './jikan-mapping.ts';

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UpstreamError, `expected UpstreamError, got ${error}`);
  return error;
}

const roomy = { jikanPerSecond: 1000, jikanPerMinute: 100_000 };

describe('JikanClient against the simulator', () => {
  let catalog: Catalog;
  let sim: RunningSimulator;

  before(async () => {
    catalog = await loadCatalog();
    // Limits out of the way: these tests are about answers, upstream-politeness.test.ts about pacing.
    sim = await startSimulator({ catalog, ...roomy });
  });
  after(() => sim.close());

  it('maps /anime/{id}/full: MAL score, rank, members, rating, and anime relations with their labels', async () => {
    const clock = new ManualClock();
    const { jikan } = simUpstreams(sim, {}, { clock });
    for (const malId of [16498, 80]) {
      const expected = catalog.mal.get(malId)!;
      const full = (await jikan.fetchFull(malId))!;
      assert.equal(full.malId, malId);
      assert.equal(full.info.score, expected.score);
      assert.equal(full.info.rating, expected.rating);
      assert.equal(full.info.status, 'ok');
      assert.equal(full.info.fetchedAt, clock.now());
      assert.ok(Number.isInteger(full.info.rank) && Number.isInteger(full.info.members));
      const wanted = expected.relations.flatMap((g) => g.entry.map((e) => `${e.mal_id}:${relationTypeFromMalLabel(g.relation)}:${g.relation}`));
      assert.deepEqual(full.relations.map((r) => `${r.toMal}:${r.type}:${r.label}`).sort(), wanted.sort());
      assert.ok(full.relations.every((r) => r.fromMal === malId));
    }
    const aot = (await jikan.fetchFull(16498))!;
    assert.ok(aot.relations.some((r) => r.toMal === 25777 && r.type === 'SEQUEL' && r.label === 'Sequel'));
  });

  it('answers null for an id MAL does not have, but fails on a wrong route', async () => {
    const { jikan } = simUpstreams(sim);
    assert.equal(await jikan.fetchFull(2), null);
    const { jikan: misrouted } = simUpstreams(sim, { jikanUrl: `${sim.jikanUrl}/nowhere` });
    const error = await failure(misrouted.fetchFull(16498));
    assert.deepEqual([error.upstream, error.status, error.retryable], ['jikan', 404, false]);
  });

  it('normalises relation labels in any casing and keeps labels it has no mapping for', async () => {
    const quirky = await startSimulator({ catalog, ...roomy, faults: 'casing=0.5,label=0.5', seed: 3 });
    after(() => quirky.close());
    const { jikan } = simUpstreams(quirky);
    const all = (await Promise.all([...catalog.mal.keys()].slice(0, 150).map((id) => jikan.fetchFull(id)))).flatMap((f) => f!.relations);
    const labels = new Set(all.map((r) => r.label));
    assert.ok([...labels].some((l) => l === l.toUpperCase()) && [...labels].some((l) => /Story$/.test(l)), `casings seen: ${[...labels].join(', ')}`);
    for (const r of all) assert.match(r.type, /^[A-Z_]+$/);
    assert.ok(all.some((r) => /^side story$/i.test(r.label) && r.type === 'SIDE_STORY' && r.label !== 'Side story'));
    assert.ok(all.some((r) => r.label === 'Full story' && r.type === 'PARENT'));
    assert.ok(all.some((r) => r.label === 'Same setting' && r.type === 'SAME_SETTING'), 'an unknown label is kept');
  });

  it('searches', async () => {
    const { jikan } = simUpstreams(sim);
    const hits = await jikan.search('Shingeki no Kyojin', { limit: 5 });
    assert.ok(hits.length > 0 && hits.length <= 5);
    assert.equal(hits[0].malId, 16498);
  });

  it("reads Jikan's string \"429\" as rate limited and pauses the whole upstream", async () => {
    const limited = await startSimulator({ catalog, faults: '429=1@jikan' });
    after(() => limited.close());
    const upstreams = simUpstreams(limited, { upstreamRateLimitRetries: 0 });
    const error = await failure(upstreams.jikan.fetchFull(16498));
    assert.deepEqual([error.upstream, error.status, error.kind, error.retryable], ['jikan', 429, 'rate-limited', true]);
    assert.match(error.bodyExcerpt ?? '', /"status":"429"/);
    assert.notEqual(upstreams.gates.jikan.snapshot().pausedUntil, null);
  });

  it('retries 504 and 500 (MAL down), then reports them as retryable failures', async () => {
    for (const status of [504, 500]) {
      const down = await startSimulator({ catalog, faults: `${status}=1@jikan` });
      const { jikan, requestCounts } = simUpstreams(down, { upstreamRetries: 2 });
      const error = await failure(jikan.fetchFull(16498));
      await down.close();
      assert.deepEqual([error.upstream, error.status, error.kind, error.retryable, error.attempts], ['jikan', status, 'http', true, 3]);
      assert.equal(requestCounts().jikan, 3);
    }
  });
});

describe('Jikan mapping', () => {
  it('keeps anime relations only and normalises their labels', () => {
    const full = toJikanFull(
      {
        mal_id: 1,
        score: null,
        rank: null,
        members: 5,
        rating: null,
        relations: [
          { relation: 'Adaptation', entry: [{ mal_id: 173, type: 'manga', name: 'Cowboy Bebop' }] },
          { relation: 'SIDE STORY', entry: [{ mal_id: 5, type: 'anime', name: 'Knockin' }, { mal_id: 6, type: 'Anime', name: 'x' }] },
        ],
      },
      42,
    );
    assert.deepEqual(full.relations, [
      { fromMal: 1, toMal: 5, type: 'SIDE_STORY', label: 'SIDE STORY' },
      { fromMal: 1, toMal: 6, type: 'SIDE_STORY', label: 'SIDE STORY' },
    ]);
    assert.deepEqual(full.info, { score: null, rank: null, members: 5, rating: null, status: 'ok', fetchedAt: 42 });
  });
});
