import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../catalog/catalog.ts';
import { systemClock } from '../clock.ts';
import { NotFoundError } from '../errors.ts';
import { silentLogger } from '../log.ts';
import type { RunningSimulator } from '../sim/simulator.ts';
import { createStore, type Store } from '../store/store.ts';
import { catalogFranchiseIds } from '../../test/fixtures/catalog-franchise.ts';
import { simUpstreams } from '../../test/support/sim-upstreams.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import { EntryLoader } from './entry-loader.ts';
import { parseIngestQuery } from './ingest-query.ts';
import { sqliteDatabase, startFastSimulator, type TestDatabase } from '../../test/support/ingest-harness.ts';
import { resolveQuery, type Resolved } from './query-resolver.ts';

// Ambiguous titles as a person types them, resolved through the simulator's AniList search
// over the offline catalog: the answer must be what the person meant.
const catalog = await loadCatalog({ anilistOnly: true });
const DESTINY = 139074;

describe('resolving a title', () => {
  let sim: RunningSimulator;
  const databases: TestDatabase[] = [];
  const stores: Store[] = [];

  before(async () => {
    sim = await startFastSimulator();
  });
  after(async () => {
    for (const store of stores) await store.close();
    for (const db of databases) await db.close();
    await sim.close();
  });

  async function resolver() {
    const db = await sqliteDatabase();
    databases.push(db);
    const store = await createStore(db.url);
    stores.push(store);
    const { anilist } = simUpstreams(sim, { upstreamRetries: 0 });
    const deps = { store, anilist, loader: new EntryLoader({ store, anilist, clock: systemClock }), logger: silentLogger };
    return { store, resolve: (title: string) => resolveQuery(parseIngestQuery(title), deps) };
  }

  const media = (id: number) => catalog.media.get(id)!;
  const titlesOf = (id: number) => [media(id).title.romaji, media(id).title.english, ...media(id).synonyms].join(' | ');
  const chosen = (resolved: Resolved) => media(resolved.rootId);

  test('"fate" is a Fate TV series, not the music video "Destiny" whose synonym is "Fate"', async () => {
    const { resolve } = await resolver();
    const resolved = await resolve('fate');
    assert.notEqual(resolved.rootId, DESTINY);
    assert.equal(chosen(resolved).format, 'TV');
    assert.match(titlesOf(resolved.rootId), /^Fate\//);
    assert.ok(catalogFranchiseIds(catalog, 356).includes(resolved.rootId), 'a member of the Fate/stay night franchise');
    assert.ok(!resolved.resolution!.alternatives.slice(0, 3).some((a) => a.id === DESTINY), 'the music video is no close second');
  });

  test('ambiguous titles land on a series of the franchise a person means', async () => {
    const { resolve } = await resolver();
    const cases: [query: string, check: (id: number) => boolean, what: string][] = [
      ['gundam', (id) => /Gundam/.test(titlesOf(id)), 'a Gundam series'],
      ['monogatari', (id) => catalogFranchiseIds(catalog, 5081).includes(id), 'a member of the Monogatari franchise'],
      ['titan', (id) => catalogFranchiseIds(catalog, 16498).includes(id), 'a member of the Attack on Titan franchise'],
      ['conan', (id) => /Conan/.test(titlesOf(id)), 'a Conan series'],
      ['evangelion', (id) => id === 30, 'Neon Genesis Evangelion, not a Rebuild film'],
      ['mobile suit gundam', (id) => id === 80, 'the 1979 series by its exact title'],
      ['fate/stay night', (id) => id === 356, "the series with that title, not UBW's synonym"],
      ['ghost in the shell', (id) => id === 43, 'the film with that exact title, over the prefix-matching series'],
      ['hellsing', (id) => id === 270, 'the TV series over the more popular OVA'],
    ];
    for (const [query, check, what] of cases) {
      const resolved = await resolve(query);
      assert.ok(check(resolved.rootId), `"${query}" should be ${what}, was ${resolved.rootId} ${titlesOf(resolved.rootId)}`);
      if (query !== 'ghost in the shell') assert.equal(chosen(resolved).format, 'TV', `"${query}" is a TV series`);
    }
  });

  test('"lupin" takes no music video; the alternatives say format and year', async () => {
    const { resolve } = await resolver();
    const resolved = await resolve('lupin');
    assert.notEqual(chosen(resolved).format, 'MUSIC');
    const { alternatives } = resolved.resolution!;
    assert.ok(alternatives.length > 0);
    assert.ok(alternatives.every((a) => 'format' in a && 'year' in a), JSON.stringify(alternatives));
    assert.equal(alternatives.at(-1)?.format, 'MUSIC', 'the music video comes last');
  });

  test('the chosen entry is stored; a stored exact title is answered without asking AniList', async () => {
    const { resolve, store } = await resolver();
    const first = await resolve('attack on titan');
    assert.equal(first.rootId, 16498);
    assert.ok(await store.anime.get(16498), 'stored before a job exists');
    sim.reset();
    const again = await resolve('Attack on Titan');
    assert.equal(again.rootId, 16498);
    assert.equal(sim.stats().anilist.requests, 0, 'no AniList request');
    assert.ok(again.resolution, 'still says what it chose');
  });

  test('a stored exact synonym of a music video does not stop AniList from being asked', async () => {
    const { resolve, store } = await resolver();
    const loader = simUpstreams(sim).anilist;
    const destiny = (await loader.fetchMedia([DESTINY])).entries.get(DESTINY)!;
    await store.saveBatch([destiny.anime], destiny.relations);
    sim.reset();
    const resolved = await resolve('fate');
    assert.ok(sim.stats().anilist.requests > 0, 'AniList was asked');
    assert.notEqual(resolved.rootId, DESTINY);
  });

  test('when AniList fails, the best stored match answers; with nothing stored, the failure does', async () => {
    const { resolve, store } = await resolver();
    await resolve('attack on titan');
    sim.configure({ faults: '500=1@anilist' });
    try {
      const fromStore = await resolve('titan');
      assert.equal(fromStore.rootId, 16498);
      const empty = await resolver();
      await assert.rejects(empty.resolve('titan'), (error) => error instanceof UpstreamError && error.status === 500);
    } finally {
      sim.configure({ faults: '' });
    }
    assert.ok(await store.anime.get(16498));
  });

  test('nothing anywhere: NotFoundError naming the title', async () => {
    const { resolve } = await resolver();
    await assert.rejects(resolve('zzqx no such anime'), (error) => error instanceof NotFoundError && /zzqx no such anime/.test(error.message));
  });
});
