import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadCatalog, type Catalog } from '../catalog/catalog.ts';
import { JIKAN_ROUTES } from './jikan/jikan-routes.ts';
import { MAL_GENRES } from './jikan/mal-genres.ts';
import { startSimulator, type RunningSimulator } from './simulator.ts';
import { getJson } from '../../test/support/sim-requests.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';

let sim: RunningSimulator;
let catalog: Catalog;
const clock = new ManualClock(Date.UTC(2013, 4, 15));
const get = (path: string) => getJson(`${sim.jikanUrl}${path}`);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

before(async () => {
  catalog = await loadCatalog();
  sim = await startSimulator({ catalog, clock, jikanPerSecond: 1000, jikanPerMinute: 100_000 });
});
after(() => sim.close());

/** Attack on Titan's manga as Jikan lists it under the anime's relations. */
async function aotManga(): Promise<{ mal_id: number; type: string; name: string; url: string }> {
  const relations = (await get('/anime/16498/relations')).json.data;
  const adaptation = relations.find((g: { relation: string }) => g.relation === 'Adaptation');
  return adaptation.entry.find((e: { type: string }) => e.type === 'manga');
}

describe('Jikan: every route answers as its rule says', () => {
  test('each route of the table, with an id the catalog has and one it lacks', async () => {
    const manga = await aotManga();
    for (const route of JIKAN_ROUTES) {
      const id = route.path.startsWith('/manga') ? String(manga.mal_id) : route.path.startsWith('/anime') ? '16498' : '1';
      const withId = (value: string) =>
        route.path.replace('[/...]', '').replace('[/full|/external]', '/full').replace('{year}/{season}', '2013/spring').replace('{episode}', '1').replace('{id}', value);
      const path = withId(id);
      const res = await get(path);
      const where = `${route.path} (${route.answer}) as ${path}`;
      if (route.answer === 'not-found') {
        assert.equal(res.status, 404, where);
        assert.equal(res.json.message, 'Resource does not exist', where);
        continue;
      }
      assert.equal(res.status, 200, `${where}: ${res.text.slice(0, 200)}`);
      assert.ok(res.json.data !== null && res.json.data !== undefined, where);
      if (route.answer === 'empty') {
        const data = res.json.data;
        const lists = Array.isArray(data) ? [data] : Object.values(data).filter(Array.isArray);
        // Lists are empty, never null; /moreinfo's one text field is null, as Jikan has it when MAL has none.
        if (lists.length === 0) assert.deepEqual(data, { moreinfo: null }, where);
        else assert.ok(lists.every((l) => (l as unknown[]).length === 0), `${where}: empty lists, not null`);
      }
      if (route.path.includes('{id}')) {
        const missing = await get(withId('999999999'));
        assert.equal(missing.status, 404, `${where}: an unknown id`);
      }
    }
  });

  test('the anime object: ISO 8601 dates with time and offset, a trailer of Jikan\'s shape, MAL genre ids, a synthetic synopsis', async () => {
    const movie = (await get('/anime/5')).json.data;
    assert.equal(catalog.mal.get(5)!.aired.to, '2001-09-01', 'the catalog keeps a bare date here');
    assert.match(movie.aired.from, ISO);
    assert.equal(movie.aired.to, '2001-09-01T00:00:00+00:00');
    assert.deepEqual(movie.trailer, {
      youtube_id: null,
      url: null,
      embed_url: null,
      images: { image_url: null, small_image_url: null, medium_image_url: null, large_image_url: null, maximum_image_url: null },
    });
    assert.match(movie.synopsis, /^Cowboy Bebop: Tengoku no Tobira is a Movie anime by Bones and Sunrise, based on an original story, first aired in September 2001\. \[Synthetic synopsis/);
    const aot = (await get('/anime/16498')).json.data;
    const byId = new Map(MAL_GENRES.map((g) => [g.mal_id, g]));
    for (const group of ['genres', 'explicit_genres', 'themes', 'demographics'] as const) {
      for (const g of aot[group]) {
        assert.equal(byId.get(g.mal_id)?.name, g.name, `${g.name} has MAL's id`);
        assert.equal(byId.get(g.mal_id)?.group, group);
      }
    }
    assert.deepEqual(aot.genres.find((g: { name: string }) => g.name === 'Action'), { mal_id: 1, type: 'anime', name: 'Action', url: 'https://myanimelist.net/anime/genre/1/Action' });
    assert.deepEqual(aot.demographics.map((g: { mal_id: number }) => g.mal_id), [27]);
    assert.ok(!aot.themes.some((g: { name: string }) => g.name === 'Earth'), 'names that are not MAL genres are left out');
    // Studios and producers keep one id everywhere.
    const wit = aot.studios[0];
    assert.equal((await get(`/producers/${wit.mal_id}`)).json.data.titles[0].title, 'Wit Studio');
    const byWit = await get(`/anime?producers=${wit.mal_id}&limit=25`);
    assert.ok(byWit.json.data.some((a: { mal_id: number }) => a.mal_id === 16498));
  });

  test('relations list the manga as type "manga"; /manga answers it, with the anime back as type "anime"', async () => {
    const entry = await aotManga();
    assert.match(entry.url, /^https:\/\/myanimelist\.net\/manga\/\d+\//);
    const full = (await get('/anime/16498/full')).json.data;
    assert.ok(full.relations.some((g: { entry: { type: string }[] }) => g.entry.some((e) => e.type === 'manga')));
    const manga = (await get(`/manga/${entry.mal_id}/full`)).json.data;
    assert.deepEqual([manga.mal_id, manga.type, manga.status, manga.title], [entry.mal_id, 'Manga', 'Finished', 'Shingeki no Kyojin']);
    assert.match(manga.synopsis, /^Synthetic manga/);
    const adaptations = manga.relations.find((g: { relation: string }) => g.relation === 'Adaptation').entry;
    assert.ok(adaptations.some((e: { mal_id: number; type: string }) => e.mal_id === 16498 && e.type === 'anime'));
    // A manga id read as an anime id answers whatever anime has that number, as on MAL.
    const same = await get(`/anime/${entry.mal_id}`);
    assert.ok(same.status === 404 || same.json.data.title !== manga.title);
    const light = (await get('/anime/5081/relations')).json.data.find((g: { relation: string }) => g.relation === 'Adaptation');
    const novel = (await get(`/manga/${light.entry[0].mal_id}`)).json.data;
    assert.equal(novel.type, 'Light Novel');
    const search = await get('/manga?q=shingeki&type=manga');
    assert.ok(search.json.data.some((m: { mal_id: number }) => m.mal_id === entry.mal_id));
  });

  test('seasons, schedules, top, genres', async () => {
    const spring = await get('/seasons/2013/spring?filter=tv&limit=25');
    assert.ok(spring.json.data.some((a: { mal_id: number }) => a.mal_id === 16498));
    assert.ok(spring.json.data.every((a: { season: string; year: number; type: string }) => a.season === 'spring' && a.year === 2013 && a.type === 'TV'));
    const members = spring.json.data.map((a: { members: number }) => a.members);
    assert.deepEqual(members, [...members].sort((a: number, b: number) => b - a));
    const now = await get('/seasons/now?limit=25');
    assert.ok(now.json.data.every((a: { season: string; year: number }) => a.season === 'spring' && a.year === 2013), "the simulator's clock says spring 2013");
    const top = (await get('/top/anime?limit=10')).json.data.map((a: { rank: number }) => a.rank);
    assert.deepEqual(top, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const movies = (await get('/top/anime?type=movie&limit=5')).json.data;
    assert.ok(movies.every((a: { type: string }) => a.type === 'Movie'));
    assert.equal((await get('/top/anime?filter=best')).status, 400);
    const sundays = (await get('/schedules?filter=sunday')).json.data;
    assert.ok(sundays.every((a: { airing: boolean; broadcast: { day: string } }) => a.airing && a.broadcast.day === 'Sundays'));
    const genres = (await get('/genres/anime?filter=demographics')).json.data;
    assert.deepEqual(genres.map((g: { name: string }) => g.name), ['Josei', 'Kids', 'Seinen', 'Shoujo', 'Shounen']);
    assert.ok(genres.every((g: { count: number }) => g.count > 0));
    assert.equal((await get('/seasons/2013/monsoon')).status, 400);
  });
});
