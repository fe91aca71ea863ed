import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadCatalog, type Catalog } from '../catalog/catalog.ts';
import { startSimulator, type RunningSimulator } from './simulator.ts';
import { getJson, postGraphql } from '../../test/support/sim-requests.ts';

let sim: RunningSimulator;
let catalog: Catalog;

before(async () => {
  catalog = await loadCatalog();
  sim = await startSimulator({ catalog, anilistRatePerMinute: 100_000, jikanPerSecond: 1000, jikanPerMinute: 100_000 });
});
after(() => sim.close());

interface Edge {
  relationType: string;
  node: { id: number; idMal: number | null; type: string; format: string; siteUrl: string };
}

async function edgesOf(id: number, version = 2): Promise<Edge[]> {
  const res = await postGraphql(sim.anilistUrl, `{ Media(id: ${id}) { relations { edges { relationType(version: ${version}) node { id idMal type format siteUrl } } } } }`);
  assert.equal(res.status, 200, res.text);
  return res.json.data.Media.relations.edges;
}

const mangaEdges = (edges: Edge[]) => edges.filter((e) => e.node.type === 'MANGA');

describe('AniList: the manga and novels the anime adapt', () => {
  test('every Attack on Titan season names one manga as its SOURCE, and the manga lists them as ADAPTATIONs', async () => {
    const [first] = mangaEdges(await edgesOf(16498)).filter((e) => e.relationType === 'SOURCE');
    assert.ok(first, 'Attack on Titan has a SOURCE edge to a MANGA node');
    assert.deepEqual([first.node.type, first.node.format], ['MANGA', 'MANGA']);
    assert.ok(first.node.id >= 1_000_000, 'synthetic ids lie above every AniList anime id');
    assert.ok(!catalog.media.has(first.node.id));
    assert.match(first.node.siteUrl, /^https:\/\/anilist\.co\/manga\/\d+$/);
    for (const season of [20958, 99147, 110277]) {
      const source = mangaEdges(await edgesOf(season)).find((e) => e.relationType === 'SOURCE');
      assert.equal(source?.node.id, first.node.id, `season ${season} adapts the same manga`);
    }

    const manga = await postGraphql(
      sim.anilistUrl,
      `{ Media(id: ${first.node.id}) { id type format status chapters volumes episodes title { romaji } description siteUrl
        coverImage { large } relations { edges { relationType(version: 2) node { id type } } } } }`,
    );
    assert.equal(manga.status, 200, manga.text);
    const m = manga.json.data.Media;
    assert.deepEqual([m.type, m.format, m.title.romaji, m.episodes], ['MANGA', 'MANGA', 'Shingeki no Kyojin', null]);
    assert.match(m.description, /^Synthetic manga added by the Tsunagu simulator/);
    const adaptations = m.relations.edges.filter((e: Edge) => e.relationType === 'ADAPTATION').map((e: Edge) => e.node.id);
    for (const id of [16498, 20958, 99147, 110277, 131681]) assert.ok(adaptations.includes(id), `the manga lists ${id}`);
    // Its cover is generated too, at AniList's manga folder.
    assert.match(m.coverImage.large, /\/file\/anilistcdn\/media\/manga\/cover\/medium\/bx\d+\.png$/);
    const cover = await fetch(m.coverImage.large);
    assert.equal(cover.status, 200);
    assert.equal(cover.headers.get('content-type'), 'image/png');
  });

  test('a light-novel anime adapts a NOVEL; a side story adapting another work links that work too', async () => {
    const novel = mangaEdges(await edgesOf(5081)).find((e) => e.relationType === 'SOURCE');
    assert.deepEqual([novel?.node.type, novel?.node.format], ['MANGA', 'NOVEL'], 'Bakemonogatari comes from a light novel');
    // Attack on Titan: LOST GIRLS is a side story from a novel; the series gains a SIDE_STORY edge to that novel.
    const sideNovel = mangaEdges(await edgesOf(16498)).find((e) => e.relationType === 'SIDE_STORY');
    assert.equal(sideNovel?.node.format, 'NOVEL');
    const lostGirls = mangaEdges(await edgesOf(99634)).find((e) => e.relationType === 'SOURCE');
    assert.equal(lostGirls?.node.id, sideNovel?.node.id);
  });

  test('a SPIN_OFF edge reaches the manga a spin-off adapts: Fate/stay night -> the Prisma Illya manga', async () => {
    const spinOffs = mangaEdges(await edgesOf(356)).filter((e) => e.relationType === 'SPIN_OFF');
    assert.ok(spinOffs.length >= 1, 'Fate/stay night lists a spin-off manga');
    const illya = mangaEdges(await edgesOf(14829)).find((e) => e.relationType === 'SOURCE');
    assert.ok(spinOffs.some((e) => e.node.id === illya?.node.id));
    const back = await edgesOf(illya!.node.id);
    assert.ok(back.some((e) => e.node.id === 356 && e.relationType === 'PARENT'), 'the spin-off manga names its parent');
  });

  test('games and visual novels have no node: neither AniList nor MyAnimeList lists them', async () => {
    const fate = (await edgesOf(356)).filter((e) => e.relationType === 'SOURCE' || e.relationType === 'ADAPTATION');
    assert.equal(catalog.media.get(356)!.source, 'VISUAL_NOVEL');
    assert.deepEqual(fate.filter((e) => e.node.type === 'MANGA'), []);
  });

  test('without version 2 a SOURCE edge to a manga reads ADAPTATION', async () => {
    const v1 = mangaEdges(await edgesOf(16498, 1));
    assert.ok(v1.length > 0);
    assert.ok(!v1.some((e) => e.relationType === 'SOURCE'));
    assert.ok(v1.some((e) => e.relationType === 'ADAPTATION'));
  });

  test('type filters tell them apart; search finds both unless asked for one; idMal finds the manga', async () => {
    const count = async (args: string) =>
      (await postGraphql(sim.anilistUrl, `{ Page(perPage: 1) { pageInfo { total } media(${args}) { id } } }`)).json.data.Page.pageInfo.total;
    const anime = await count('type: ANIME, status: RELEASING');
    const all = await count('status: RELEASING');
    assert.equal(anime, [...catalog.media.values()].filter((m) => m.status === 'RELEASING').length);
    assert.ok(all > anime, 'without a type AniList mixes manga into the results');
    const search = await postGraphql(sim.anilistUrl, '{ Page(perPage: 50) { media(search: "shingeki no kyojin") { id type } } }');
    const types = new Set(search.json.data.Page.media.map((m: { type: string }) => m.type));
    assert.deepEqual([...types].sort(), ['ANIME', 'MANGA']);
    const aot = mangaEdges(await edgesOf(16498)).find((e) => e.relationType === 'SOURCE')!;
    const byMal = await postGraphql(sim.anilistUrl, `{ Media(idMal: ${aot.node.idMal}, type: MANGA) { id } }`);
    assert.equal(byMal.json.data.Media.id, aot.node.id);
    // MAL numbers manga apart from anime: the Illya manga's MAL id is also an unrelated anime's, and
    // only `type` tells them apart, on AniList as on MAL.
    const illya = mangaEdges(await edgesOf(356)).find((e) => e.relationType === 'SPIN_OFF' && catalog.mediaByMalId.has(e.node.idMal!))!;
    const both = await postGraphql(sim.anilistUrl, `{ Page { media(idMal: ${illya.node.idMal}) { id type } } }`);
    assert.deepEqual(both.json.data.Page.media.map((m: { type: string }) => m.type).sort(), ['ANIME', 'MANGA']);
    const byType = await postGraphql(sim.anilistUrl, `{ Media(idMal: ${illya.node.idMal}, type: ANIME) { id } }`);
    assert.equal(byType.json.data.Media.id, catalog.mediaByMalId.get(illya.node.idMal!)!.id);
  });

  test('the simulator does not edit or remove the synthetic works', async () => {
    const aot = mangaEdges(await edgesOf(16498)).find((e) => e.relationType === 'SOURCE')!;
    const edit = sim.catalog.edit({ ids: [aot.node.id] });
    assert.deepEqual(edit.results, [{ id: aot.node.id, ok: false, error: 'a synthetic source work; the simulator changes anime only' }]);
    const removed = await getJson(`${sim.url}/__sim/remove`, { method: 'POST', body: JSON.stringify({ ids: [aot.node.id] }) });
    assert.equal(removed.json.failed, 1);
  });
});
