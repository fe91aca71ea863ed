import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadCatalog, type Catalog } from '../catalog/catalog.ts';
import { startSimulator, type RunningSimulator } from './simulator.ts';
import { getJson, postGraphql } from '../../test/support/sim-requests.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';

const COMPILED = Date.UTC(2026, 6, 1) / 1000;
const AOT = 16498;
const AOT_S2 = 20958;

let catalog: Catalog;
const started: RunningSimulator[] = [];

before(async () => {
  catalog = await loadCatalog();
});
after(() => Promise.all(started.map((s) => s.close())));

async function simulator(options: Parameters<typeof startSimulator>[0] = {}) {
  const sim = await startSimulator({ catalog, anilistRatePerMinute: 100_000, ...options });
  started.push(sim);
  return sim;
}

const post = (sim: RunningSimulator, path: string, body: unknown) =>
  getJson(`${sim.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function media(sim: RunningSimulator, id: number) {
  const res = await postGraphql(sim.anilistUrl, `{ Media(id: ${id}) { id updatedAt averageScore synonyms relations { edges { node { id } } } } }`);
  return res.status === 404 ? null : res.json.data.Media;
}

async function newest(sim: RunningSimulator, perPage = 10): Promise<{ id: number; updatedAt: number }[]> {
  const res = await postGraphql(sim.anilistUrl, `{ Page(perPage: ${perPage}) { media(sort: UPDATED_AT_DESC) { id updatedAt } } }`);
  return res.json.data.Page.media;
}

describe('updatedAt', () => {
  test('is a stable second per entry for a seed, between 2017 and the catalog compilation, recent for airing entries', async () => {
    const ids = [...catalog.media.keys()].slice(0, 50);
    const read = async (sim: RunningSimulator) =>
      (await postGraphql(sim.anilistUrl, 'query ($ids: [Int]) { Page { media(id_in: $ids, sort: ID) { id updatedAt status } } }', { ids })).json.data.Page.media;
    const [a, b, c] = await Promise.all([simulator({ seed: 3 }), simulator({ seed: 3 }), simulator({ seed: 4 })]);
    const first = await read(a);
    assert.deepEqual(await read(b), first, 'the same seed gives the same values');
    assert.notDeepEqual(await read(c), first, 'another seed, other values');
    for (const m of first) assert.ok(m.updatedAt >= Date.UTC(2017, 0, 1) / 1000 && m.updatedAt <= COMPILED, `${m.id}: ${m.updatedAt}`);
    const airing = [...catalog.media.values()].filter((m) => m.status === 'RELEASING').slice(0, 20).map((m) => m.id);
    const recent = (await postGraphql(a.anilistUrl, 'query ($ids: [Int]) { Page { media(id_in: $ids) { updatedAt } } }', { ids: airing })).json.data.Page.media;
    for (const m of recent) assert.ok(m.updatedAt >= COMPILED - 60 * 86_400, 'airing entries were touched in the last two months');
  });
});

describe('edits over time', () => {
  test('POST /__sim/edit with ids: a new updatedAt (now), a moved score, one more synonym; first by UPDATED_AT_DESC and found by search', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 1, 12));
    const sim = await simulator({ clock });
    const before = await media(sim, AOT);
    const res = await post(sim, '/__sim/edit', { ids: [AOT] });
    assert.equal(res.status, 200);
    const now = Math.floor(clock.now() / 1000);
    assert.equal(res.json.ok, 1);
    assert.deepEqual(res.json.results[0], { id: AOT, ok: true, change: 'edited', updatedAt: now, averageScore: res.json.results[0].averageScore, synonyms: [...before.synonyms, 'Shingeki no Kyojin (edit 1)'] });
    const after = await media(sim, AOT);
    assert.equal(after.updatedAt, now);
    assert.ok(Math.abs(after.averageScore - before.averageScore) >= 1 && Math.abs(after.averageScore - before.averageScore) <= 3);
    assert.equal(after.synonyms.at(-1), 'Shingeki no Kyojin (edit 1)');
    assert.deepEqual((await newest(sim, 1))[0], { id: AOT, updatedAt: now });
    const found = await postGraphql(sim.anilistUrl, '{ Page { media(search: "kyojin edit 1") { id } } }');
    assert.deepEqual(found.json.data.Page.media, [{ id: AOT }]);

    await clock.advance(5_000);
    const again = await post(sim, '/__sim/edit', { ids: [AOT] });
    assert.equal(again.json.results[0].updatedAt, now + 5);
    assert.equal((await media(sim, AOT)).synonyms.at(-1), 'Shingeki no Kyojin (edit 2)');
  });

  test('edit by count picks distinct entries by the seed; an incremental reader sees exactly them on top', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 2));
    const [sim, twin] = await Promise.all([simulator({ clock, seed: 9 }), simulator({ clock, seed: 9 })]);
    const highWater = (await newest(sim, 1))[0]!.updatedAt;
    const edited = (await post(sim, '/__sim/edit', { count: 5 })).json.results.map((r: { id: number }) => r.id);
    assert.equal(new Set(edited).size, 5);
    assert.deepEqual(twin.catalog.edit({ count: 5 }).results.map((r) => r.id), edited, 'the same seed picks the same entries');
    const top = await newest(sim, 50);
    const changed = top.filter((m) => m.updatedAt > highWater).map((m) => m.id);
    assert.deepEqual(changed.sort((a, b) => a - b), [...edited].sort((a, b) => a - b));
  });

  test('edits do not count as AniList requests', async () => {
    const sim = await simulator();
    await post(sim, '/__sim/edit', { count: 2 });
    await getJson(`${sim.url}/__sim/catalog`);
    assert.equal(sim.stats().anilist.requests, 0);
  });
});

describe('removals', () => {
  test('a removed entry vanishes from Media, Page and the relations of the entries listing it; restore brings it back as changed', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 3));
    const sim = await simulator({ clock });
    assert.ok((await media(sim, AOT)).relations.edges.some((e: { node: { id: number } }) => e.node.id === AOT_S2));
    const removed = await post(sim, '/__sim/remove', { ids: [AOT_S2] });
    assert.deepEqual(removed.json.results, [{ id: AOT_S2, ok: true, change: 'removed', updatedAt: null }]);
    assert.equal(await media(sim, AOT_S2), null, 'Media answers 404');
    const page = await postGraphql(sim.anilistUrl, `{ Page { media(id_in: [${AOT}, ${AOT_S2}]) { id } } }`);
    assert.deepEqual(page.json.data.Page.media, [{ id: AOT }]);
    assert.ok(!(await media(sim, AOT)).relations.edges.some((e: { node: { id: number } }) => e.node.id === AOT_S2));
    assert.deepEqual((await getJson(`${sim.url}/__sim/catalog`)).json.removed, [AOT_S2]);

    const editRemoved = await post(sim, '/__sim/edit', { ids: [AOT_S2] });
    assert.deepEqual(editRemoved.json.results, [{ id: AOT_S2, ok: false, error: 'removed; restore it first' }]);
    assert.deepEqual([editRemoved.json.ok, editRemoved.json.failed], [0, 1]);

    const restored = await post(sim, '/__sim/restore', {});
    assert.deepEqual(restored.json.results, [{ id: AOT_S2, ok: true, change: 'restored', updatedAt: Math.floor(clock.now() / 1000) }]);
    assert.equal((await media(sim, AOT_S2)).updatedAt, Math.floor(clock.now() / 1000));
    assert.deepEqual((await post(sim, '/__sim/restore', { ids: [AOT_S2] })).json.results, [{ id: AOT_S2, ok: false, error: 'not removed' }]);

    const several = sim.catalog.remove({ count: 3 });
    assert.equal(several.results.filter((r) => r.ok).length, 3);
    assert.equal(sim.catalog.summary().visible, catalog.media.size - 3);
  });
});

describe('entries not yet published', () => {
  test('held back at the start, absent everywhere; publishing adds them and touches the entries linking to them', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 4));
    const sim = await simulator({ clock, unpublished: 300, seed: 5 });
    const state = (await getJson(`${sim.url}/__sim/catalog`)).json;
    assert.equal(state.unpublished.length, 300);
    assert.equal(state.visible, catalog.media.size - 300);
    const held = new Set<number>(state.unpublished);
    // A held-back entry that a visible entry lists among its relations.
    const linked = [...catalog.media.values()].find((m) => !held.has(m.id) && m.relations.some((r) => held.has(r.id)))!;
    const target = linked.relations.find((r) => held.has(r.id))!.id;
    assert.equal(await media(sim, target), null);
    assert.ok(!(await media(sim, linked.id)).relations.edges.some((e: { node: { id: number } }) => e.node.id === target));

    const published = await post(sim, '/__sim/edit', { ids: [target], publish: 2 });
    const now = Math.floor(clock.now() / 1000);
    assert.deepEqual(published.json.results.map((r: { id: number; change: string }) => [r.id, r.change]), [
      [target, 'published'],
      ...state.unpublished.filter((id: number) => id !== target).slice(0, 2).map((id: number) => [id, 'published']),
    ]);
    assert.ok(published.json.touched.includes(linked.id));
    assert.equal((await media(sim, target)).updatedAt, now);
    const linking = await media(sim, linked.id);
    assert.ok(linking.relations.edges.some((e: { node: { id: number } }) => e.node.id === target), 'the new entry shows in the relations');
    assert.equal(linking.updatedAt, now, 'and the linking entry changed with it');
    assert.equal((await getJson(`${sim.url}/__sim/catalog`)).json.unpublished.length, 297);
    const done = published.json.results.map((r: { id: number }) => r.id);
    const next = await post(sim, '/__sim/edit', { publish: 1 });
    assert.deepEqual(next.json.results.map((r: { id: number; ok: boolean }) => [r.id, r.ok]), [[state.unpublished.find((id: number) => !done.includes(id)), true]], 'publish takes the next entry still waiting');
  });
});

describe('the change endpoints', () => {
  test('refuse bad bodies naming what was wrong, and answer per item', async () => {
    const sim = await simulator();
    const cases: [string, unknown, RegExp][] = [
      ['/__sim/edit', '{"ids": [', /^POST \/__sim\/edit: the body is not JSON$/],
      ['/__sim/edit', { ids: ['x'] }, /^POST \/__sim\/edit: ids\.0: /],
      ['/__sim/edit', {}, /^POST \/__sim\/edit: give ids, count or publish$/],
      ['/__sim/remove', { count: 0 }, /^POST \/__sim\/remove: count: /],
      ['/__sim/remove', { bogus: 1 }, /^POST \/__sim\/remove: body: /],
    ];
    for (const [path, body, message] of cases) {
      const res = await post(sim, path, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.json.error, message);
    }
    assert.equal((await getJson(`${sim.url}/__sim/edit`)).status, 405);
    const unknown = await post(sim, '/__sim/edit', { ids: [999_999_999] });
    assert.deepEqual(unknown.json.results, [{ id: 999_999_999, ok: false, error: 'not in the catalog' }]);
  });

  test('reset() keeps catalog changes; POST /__sim/catalog/reset undoes them', async () => {
    const sim = await simulator({ unpublished: 10 });
    const original = await media(sim, AOT);
    sim.catalog.edit({ ids: [AOT], publish: 10 });
    sim.catalog.remove({ ids: [AOT_S2] });
    sim.reset();
    assert.notDeepEqual(await media(sim, AOT), original);
    assert.equal(sim.catalog.summary().unpublished.length, 0);
    const res = await post(sim, '/__sim/catalog/reset', '');
    assert.equal(res.status, 200);
    assert.deepEqual(await media(sim, AOT), original);
    assert.deepEqual([res.json.unpublished.length, res.json.removed, res.json.changed], [10, [], []]);
  });
});
