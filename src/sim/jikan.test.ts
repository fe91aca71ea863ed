import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { loadCatalog, type Catalog } from '../catalog/catalog.ts';
import { startSimulator, type RunningSimulator } from './simulator.ts';
import { getJson } from '../../test/support/sim-requests.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';

let sim: RunningSimulator;
let catalog: Catalog;
const clock = new ManualClock(Date.UTC(2026, 6, 1));
const get = (path: string) => getJson(`${sim.jikanUrl}${path}`);

before(async () => {
  catalog = await loadCatalog();
  sim = await startSimulator({ catalog, clock, jikanPerSecond: 1000, jikanPerMinute: 100_000 });
});
after(() => sim.close());

const ANIME_KEYS = [
  'mal_id', 'url', 'images', 'trailer', 'approved', 'titles', 'title', 'title_english', 'title_japanese', 'title_synonyms',
  'type', 'source', 'episodes', 'status', 'airing', 'aired', 'duration', 'rating', 'score', 'scored_by', 'rank',
  'popularity', 'members', 'favorites', 'synopsis', 'background', 'season', 'year', 'broadcast', 'producers',
  'licensors', 'studios', 'genres', 'explicit_genres', 'themes', 'demographics',
];

describe('Jikan shapes', () => {
  test('/anime/{id} is the anime object built from the MAL record', async () => {
    const res = await get('/anime/16498');
    assert.equal(res.status, 200);
    const a = res.json.data;
    assert.deepEqual(Object.keys(a), ANIME_KEYS);
    assert.equal(a.title, 'Shingeki no Kyojin');
    assert.equal(a.title_english, 'Attack on Titan');
    assert.equal(a.type, 'TV');
    assert.equal(a.score, 8.57);
    assert.equal(a.status, 'Finished Airing');
    assert.equal(a.season, 'spring');
    assert.equal(a.duration, '24 min per ep');
    assert.deepEqual(a.aired.prop.from, { day: 7, month: 4, year: 2013 });
    assert.equal(a.aired.string, 'Apr 7, 2013 to Sep 29, 2013');
    // Covers are the simulator's own generated images, at MAL's path per size.
    assert.deepEqual(a.images.jpg, {
      image_url: `${sim.url}/images/anime/16498.png`,
      small_image_url: `${sim.url}/images/anime/16498t.png`,
      large_image_url: `${sim.url}/images/anime/16498l.png`,
    });
    assert.deepEqual(a.studios.map((s: { name: string }) => s.name), ['Wit Studio']);
    for (const list of [a.producers, a.studios, a.genres, a.themes, a.demographics]) {
      for (const item of list) assert.deepEqual(Object.keys(item), ['mal_id', 'type', 'name', 'url']);
    }
    assert.ok(a.genres.some((g: { name: string }) => g.name === 'Action'));
    assert.ok(a.themes.some((g: { name: string }) => g.name === 'Military'));
    assert.deepEqual(a.demographics.map((g: { name: string }) => g.name), ['Shounen']);
    assert.equal(a.relations, undefined, 'only /full has relations');
  });

  test('derived figures are deterministic: rank by score, members from score, popularity by members', async () => {
    const a = (await get('/anime/16498')).json.data;
    const b = (await get('/anime/1')).json.data;
    assert.ok(Number.isInteger(a.members) && a.members > 0);
    assert.equal(a.scored_by, Math.round(a.members * 0.6));
    assert.equal(a.score > b.score, a.rank < b.rank);
    assert.equal(a.members > b.members, a.popularity < b.popularity);
    const scoredAbove = [...catalog.mal.values()].filter((e) => e.score !== null && (e.score > 8.57 || (e.score === 8.57 && e.mal_id < 16498))).length;
    assert.equal(a.rank, scoredAbove + 1);
    assert.deepEqual((await get('/anime/16498')).json.data, a, 'the same every time');
  });

  test('/full adds relations, theme, external and streaming; /relations has the relations alone', async () => {
    const full = (await get('/anime/16498/full')).json.data;
    assert.deepEqual(Object.keys(full), [...ANIME_KEYS, 'relations', 'theme', 'external', 'streaming']);
    const sequel = full.relations.find((r: { relation: string }) => r.relation === 'Sequel');
    assert.deepEqual(sequel.entry, [{ mal_id: 25777, type: 'anime', name: 'Shingeki no Kyojin Season 2', url: 'https://myanimelist.net/anime/25777/Shingeki_no_Kyojin_Season_2' }]);
    // The catalog's groups in its order, then the ones the synthetic manga and novels add.
    const labels = full.relations.map((r: { relation: string }) => r.relation);
    const own = catalog.mal.get(16498)!.relations.map((r) => r.relation);
    assert.deepEqual(labels.slice(0, own.length), own);
    assert.ok(labels.includes('Adaptation'));
    const relations = (await get('/anime/16498/relations')).json;
    assert.deepEqual(relations, { data: full.relations });
  });
});

describe('Jikan errors', () => {
  test('an unknown numeric id is a 404 BadResponseException', async () => {
    const res = await get('/anime/2');
    assert.ok(!catalog.mal.has(2));
    assert.equal(res.status, 404);
    assert.deepEqual(res.json, { status: 404, type: 'BadResponseException', message: 'Resource does not exist', error: '404 on https://myanimelist.net/anime/2/' });
    assert.equal((await get('/anime/2/full')).status, 404);
  });

  test('a route mismatch is a 404 HttpException', async () => {
    for (const path of ['/anime/-1', '/anime/abc', '/anime/1/nope', '/mangaa']) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.json, { status: 404, type: 'HttpException', message: 'Not Found', error: null }, path);
    }
  });

  test('bad search parameters are a 400 ValidationException with messages', async () => {
    const limit = await get('/anime?q=naruto&limit=30');
    assert.equal(limit.status, 400);
    assert.deepEqual(limit.json, {
      status: 400,
      type: 'ValidationException',
      messages: { limit: ["Value 30 is higher than the configured '25' max value."] },
      error: 'Invalid or incomplete request. Make sure your request is correct. https://docs.api.jikan.moe/',
    });
    const q = await get(`/anime?q=${'a'.repeat(256)}`);
    assert.equal(q.status, 400);
    assert.deepEqual(Object.keys(q.json.messages), ['q']);
    const page = await get('/anime?q=naruto&page=0');
    assert.deepEqual(page.json.messages, { page: ['The page must be at least 1.'] });
    const both = await get('/anime?limit=x&page=abc');
    assert.deepEqual(Object.keys(both.json.messages).sort(), ['limit', 'page']);
  });
});

describe('Jikan caching headers', () => {
  test('single resources: public, 24 h Expires after Last-Modified, fingerprint of the URI, MISS then HIT', async () => {
    const first = await get('/anime/5/full');
    const h = first.headers;
    assert.equal(h.get('cache-control'), 'public, s-maxage=86400');
    assert.equal(Date.parse(h.get('expires')!) - Date.parse(h.get('last-modified')!), 86_400_000);
    assert.equal(Date.parse(h.get('last-modified')!), Math.floor(clock.now() / 1000) * 1000);
    assert.equal(h.get('x-cache-status'), 'MISS');
    assert.equal(h.get('x-request-fingerprint'), `request:anime:${createHash('sha1').update('/v4/anime/5/full').digest('hex')}`);
    await clock.advance(60_000);
    const second = await get('/anime/5/full');
    assert.equal(second.headers.get('x-cache-status'), 'HIT');
    assert.equal(second.headers.get('expires'), h.get('expires'), 'a cached copy keeps its expiry');
  });

  test('search: private, must-revalidate and no fingerprint', async () => {
    const res = await get('/anime?q=bebop');
    assert.equal(res.headers.get('cache-control'), 'private, must-revalidate');
    assert.equal(res.headers.get('x-request-fingerprint'), null);
  });
});

describe('Jikan search', () => {
  test('"attack on titan" finds 16498 first, with pagination', async () => {
    const res = await get('/anime?q=attack%20on%20titan&limit=5');
    assert.equal(res.status, 200);
    assert.equal(res.json.data[0].mal_id, 16498);
    assert.equal(res.json.data.length, 5);
    const p = res.json.pagination;
    assert.deepEqual(p.items, { count: 5, total: p.items.total, per_page: 5 });
    assert.ok(p.items.total > 5);
    assert.equal(p.has_next_page, true);
    assert.equal(p.last_visible_page, Math.ceil(p.items.total / 5));
    const last = await get(`/anime?q=attack%20on%20titan&limit=5&page=${p.last_visible_page}`);
    assert.equal(last.json.pagination.has_next_page, false);
    assert.equal(last.json.data.length, p.items.total - 5 * (p.last_visible_page - 1));
  });
});
