import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadCatalog, type Catalog, type CatalogMal } from '../catalog/catalog.ts';
import { normaliseTitle } from '../domain/title.ts';
import { ANIME_SEARCH } from './jikan/jikan-lists.ts';
import { startSimulator, type RunningSimulator } from './simulator.ts';
import { getJson } from '../../test/support/sim-requests.ts';

let sim: RunningSimulator;
let catalog: Catalog;
let sunrise = 0;

before(async () => {
  catalog = await loadCatalog();
  sim = await startSimulator({ catalog, jikanPerSecond: 1000, jikanPerMinute: 100_000 });
  sunrise = (await get('/anime/1')).json.data.studios.find((s: { name: string }) => s.name === 'Sunrise').mal_id;
});
after(() => sim.close());

const get = (path: string) => getJson(`${sim.jikanUrl}${path}`);

// Written from Jikan's documented semantics over the catalog's MAL records, apart from the simulator's code.
const time = (iso: string | null) => (iso ? Date.parse(/T/.test(iso) ? iso : `${iso}T00:00:00Z`) : null);
const names = (e: CatalogMal) => e.genres.map((g) => g.toLowerCase());
const ALL_TITLES = (e: CatalogMal) => [e.title, e.title_english, e.title_japanese, ...e.title_synonyms].filter((t): t is string => !!t);

interface Case {
  query: string;
  /** Which entries must answer, or null for a parameter that steers instead of filtering (checked by `check`). */
  expect: ((e: CatalogMal) => boolean) | null;
  check?: (data: { mal_id: number; [k: string]: any }[], all: { mal_id: number }[]) => void;
  /** A value Jikan refuses, with the start of its message; absent where Jikan validates nothing. */
  bad?: [string, RegExp];
}

const CASES: Record<string, Case> = {
  q: { query: 'q=bebop', expect: (e) => ALL_TITLES(e).some((t) => normaliseTitle(t).includes('bebop')), bad: ['a'.repeat(256), /^The q may not be greater than 255 characters\.$/] },
  type: { query: 'type=movie', expect: (e) => e.type === 'Movie', bad: ['film', /^The type field is not a valid /] },
  score: { query: 'score=8.75', expect: (e) => e.score === 8.75, bad: ['x', /^The score must be a number\.$/] },
  min_score: { query: 'min_score=8.8', expect: (e) => e.score !== null && e.score >= 8.8, bad: ['11', /^The min score must be between 0 and 10\.$/] },
  max_score: { query: 'max_score=2.5', expect: (e) => e.score !== null && e.score <= 2.5, bad: ['0', /^The max score must be between 1 and 10\.$/] },
  status: { query: 'status=airing', expect: (e) => e.status === 'Currently Airing', bad: ['running', /^The status field is not a valid /] },
  rating: { query: 'rating=rx', expect: (e) => e.rating === 'Rx - Hentai', bad: ['nc17', /^The rating field is not a valid /] },
  sfw: {
    query: 'sfw',
    expect: (e) => e.rating !== 'Rx - Hentai' && !names(e).includes('hentai') && !names(e).includes('erotica'),
    bad: ['maybe', /^The sfw field must be true or false\.$/],
  },
  // 1 Action and 29 Space on MyAnimeList's genre list.
  genres: { query: 'genres=1,29', expect: (e) => names(e).includes('action') && names(e).includes('space') },
  genres_exclude: { query: 'genres_exclude=1', expect: (e) => !names(e).includes('action') },
  order_by: {
    query: 'order_by=members&sort=desc&min_score=8',
    expect: (e) => e.score !== null && e.score >= 8,
    check: (data) => assert.deepEqual(data.map((a) => a.members), data.map((a) => a.members).sort((x, y) => y - x)),
    bad: ['bogus', /^The order_by field is not a valid App\\Enums\\AnimeOrderByEnum\.$/],
  },
  sort: {
    query: 'order_by=title&sort=asc&letter=x',
    expect: (e) => (e.title ?? '').toLowerCase().startsWith('x'),
    check: (data) => assert.deepEqual(data.map((a) => a.title.toLowerCase()), data.map((a) => a.title.toLowerCase()).sort((x, y) => x.localeCompare(y))),
    bad: ['sideways', /^The sort field is not a valid /],
  },
  letter: { query: 'letter=z', expect: (e) => (e.title ?? '').toLowerCase().startsWith('z'), bad: ['zz', /^The letter must be 1 characters\.$/] },
  producers: { query: 'producers=SUNRISE', expect: (e) => e.producers.includes('Sunrise') || e.studios.includes('Sunrise') },
  producer: { query: 'producer=SUNRISE', expect: (e) => e.producers.includes('Sunrise') || e.studios.includes('Sunrise') },
  start_date: { query: 'start_date=2025-06-01', expect: (e) => (time(e.aired.from) ?? -Infinity) >= Date.parse('2025-06-01T00:00:00Z'), bad: ['2025-13-40', /^The start date does not match the format Y-m-d\.$/] },
  end_date: { query: 'end_date=1975', expect: (e) => (time(e.aired.to) ?? Infinity) <= Date.parse('1975-01-01T00:00:00Z'), bad: ['yesterday', /^The end date does not match the format Y-m-d\.$/] },
  page: {
    query: 'page=3&limit=4',
    expect: null,
    check: (data, all) => assert.deepEqual(data.map((a) => a.mal_id), all.slice(8, 12).map((a) => a.mal_id)),
    bad: ['0', /^The page must be at least 1\.$/],
  },
  limit: { query: 'limit=7', expect: null, check: (data) => assert.equal(data.length, 7), bad: ['26', /^Value 26 is higher than the configured '25' max value\.$/] },
  // Every catalog entry is approved: true and false answer the same, and the test says so.
  unapproved: { query: 'unapproved=true', expect: () => true, bad: ['perhaps', /^The unapproved field must be true or false\.$/] },
  kids: { query: 'kids=true', expect: (e) => names(e).includes('kids'), bad: ['perhaps', /^The kids field must be true or false\.$/] },
};

describe('Jikan anime search: every parameter honoured or refused', () => {
  test("every parameter the simulator takes has a case, and the brief's list is all there", () => {
    const taken = ANIME_SEARCH.params.map((p) => p.name);
    assert.deepEqual(taken.filter((name) => !CASES[name]), []);
    for (const name of ['q', 'type', 'score', 'min_score', 'max_score', 'status', 'rating', 'sfw', 'genres', 'genres_exclude', 'order_by', 'sort', 'letter', 'producers', 'start_date', 'end_date', 'page', 'limit', 'unapproved']) {
      assert.ok(taken.includes(name), name);
    }
  });

  for (const [name, c] of Object.entries(CASES)) {
    test(`${name}: ${c.query}`, async () => {
      const query = c.query.replace('SUNRISE', String(sunrise));
      const first = await get(`/anime?${query}`);
      assert.equal(first.status, 200, first.text.slice(0, 300));
      const total = first.json.pagination.items.total;
      if (c.expect) {
        const expected = [...catalog.mal.values()].filter(c.expect);
        assert.ok(expected.length < catalog.mal.size || name === 'unapproved', `${name}: the case must leave entries out`);
        assert.equal(total, expected.length, `${name}: total`);
        const ids = new Set(expected.map((e) => e.mal_id));
        for (const a of first.json.data) assert.ok(ids.has(a.mal_id), `${name}: ${a.mal_id} should not be there`);
      }
      const all = c.check ? (await get('/anime?limit=25')).json.data : [];
      c.check?.(first.json.data, all);
      if (c.bad) {
        const [value, message] = c.bad;
        const bad = await get(`/anime?${name}=${encodeURIComponent(value)}`);
        assert.equal(bad.status, 400, `${name}=${value}`);
        assert.equal(bad.json.type, 'ValidationException');
        assert.deepEqual(Object.keys(bad.json.messages), [name]);
        assert.match(bad.json.messages[name][0], message);
      }
    });
  }

  test('type=movie answers films only, and order_by=bogus is a 400 as Jikan gives it', async () => {
    const movies = await get('/anime?type=movie&q=gundam&limit=25');
    assert.ok(movies.json.data.length > 0);
    assert.deepEqual([...new Set(movies.json.data.map((a: { type: string }) => a.type))], ['Movie']);
    const bogus = await get('/anime?order_by=bogus');
    assert.equal(bogus.status, 400);
    assert.deepEqual(bogus.json.messages, { order_by: ['The order_by field is not a valid App\\Enums\\AnimeOrderByEnum.'] });
  });

  test('a missing value sorts as MongoDB does: first ascending, last descending; ties by mal_id', async () => {
    const up = (await get('/anime?order_by=score&sort=asc&limit=3')).json.data;
    assert.deepEqual(up.map((a: { score: number | null }) => a.score), [null, null, null]);
    const down = (await get('/anime?order_by=score&sort=desc&limit=3')).json.data;
    assert.ok(down.every((a: { score: number | null }) => a.score !== null));
  });

  test('score prohibits min_score and max_score; letter prohibits q; start_date must not pass end_date', async () => {
    assert.deepEqual((await get('/anime?score=7&min_score=5')).json.messages, { score: ['The score field prohibits min score from being present.'] });
    assert.deepEqual((await get('/anime?q=a&letter=b')).json.messages, { letter: ['The letter field prohibits q from being present.'] });
    assert.deepEqual((await get('/anime?start_date=2020-01-01&end_date=2019-01-01')).json.messages, { start_date: ['The start date must be a date before or equal to end date.'] });
  });

  test('a parameter Jikan does not know is ignored, as Jikan does, and named in X-Sim-Ignored-Parameters', async () => {
    const res = await get('/anime?q=bebop&genre=1&format=tv');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-sim-ignored-parameters'), 'genre,format');
    assert.equal((await get('/anime?q=bebop')).headers.get('x-sim-ignored-parameters'), null);
  });
});
