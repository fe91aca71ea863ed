import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse, Kind, type OperationDefinitionNode } from 'graphql';
import type { Catalog } from '../catalog/catalog.ts';
import { queryComplexity } from './anilist/query-complexity.ts';
import type { RunningSimulator } from './simulator.ts';
import { sourceWorks } from './source-works.ts';
import { postGraphql } from '../../test/support/sim-requests.ts';
import { startCatalogSimulator } from '../../test/support/catalog-simulator.ts';

// The fields the ingest client asks for (anilist-api.md), with two-level relations.
const FULL_MEDIA = `id idMal type format status(version: 2) title { romaji english native userPreferred } synonyms
  description(asHtml: false) startDate { year month day } endDate { year month day } season seasonYear episodes duration
  source(version: 3) genres tags { name rank isMediaSpoiler } averageScore meanScore popularity favourites
  coverImage { extraLarge large medium color } bannerImage studios(isMain: true) { nodes { id name } } countryOfOrigin
  isAdult siteUrl updatedAt nextAiringEpisode { airingAt episode }
  relations { edges { id relationType(version: 2) node { id idMal type format status } } }`;
const FULL_PAGE = `query ($ids: [Int]) { Page(perPage: 50) { pageInfo { total perPage currentPage lastPage hasNextPage }
  media(id_in: $ids) { ${FULL_MEDIA} } } }`;

const FOLLOW = new Set(['SEQUEL', 'PREQUEL', 'PARENT', 'SIDE_STORY', 'SPIN_OFF', 'ALTERNATIVE', 'SUMMARY', 'COMPILATION', 'CONTAINS']);

function franchise(catalog: Catalog, start: number): number[] {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length) {
    for (const r of catalog.media.get(queue.shift()!)!.relations) {
      if (FOLLOW.has(r.relationType) && !seen.has(r.id)) {
        seen.add(r.id);
        queue.push(r.id);
      }
    }
  }
  return [...seen];
}

let sim: RunningSimulator;
let catalog: Catalog;
const gql = (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
  postGraphql(sim.anilistUrl, query, variables, headers);

before(async () => ({ sim, catalog } = await startCatalogSimulator()));
after(() => sim.close());

describe('AniList batches', () => {
  test("a Page of the Attack on Titan franchise by id_in answers the catalog's data", async () => {
    const ids = franchise(catalog, 16498);
    assert.equal(ids.length, 16, 'the data README says AoT has 16 entries');
    const res = await gql(
      `query ($ids: [Int]) { Page(perPage: 50) { media(id_in: $ids) { id idMal title { romaji } format
        relations { edges { relationType(version: 2) node { id } } } } } }`,
      { ids },
    );
    assert.equal(res.status, 200);
    const media = res.json.data.Page.media;
    assert.deepEqual(media.map((m: { id: number }) => m.id).sort(), [...ids].sort());
    for (const m of media) {
      const entry = catalog.media.get(m.id)!;
      assert.equal(m.idMal, entry.idMal);
      assert.equal(m.title.romaji, entry.title.romaji);
      assert.equal(m.format, entry.format);
      // The catalog's edges, then the ones to the manga and novels the simulator adds.
      assert.deepEqual(
        m.relations.edges.map((e: { relationType: string; node: { id: number } }) => ({ id: e.node.id, relationType: e.relationType })),
        [...entry.relations, ...sourceWorks(catalog).edgesFrom(m.id)],
      );
    }
  });

  test('unknown ids are left out and the order is not the order asked for', async () => {
    const ids = [1, 5, 6, 7, 8, 15, 16, 17, 18, 19, 20, 999_999_991, 999_999_992];
    const res = await gql('query ($ids: [Int]) { Page { pageInfo { total } media(id_in: $ids) { id } } }', { ids });
    const got = res.json.data.Page.media.map((m: { id: number }) => m.id);
    const known = ids.filter((id) => catalog.media.has(id));
    assert.ok(known.length >= 8);
    assert.deepEqual([...got].sort((a, b) => a - b), known);
    assert.notDeepEqual(got, known, 'id_in order must be shuffled');
    assert.equal(res.json.data.Page.pageInfo.total, known.length);
  });

  test('perPage above 50 is clamped to 50, and pageInfo pages on (total capped at 5000)', async () => {
    const res = await gql('{ Page(page: 2, perPage: 500) { pageInfo { total perPage currentPage lastPage hasNextPage } media(sort: ID) { id } } }');
    assert.equal(res.status, 200);
    const { pageInfo, media } = res.json.data.Page;
    assert.equal(media.length, 50);
    assert.deepEqual(pageInfo, { total: 5000, perPage: 50, currentPage: 2, lastPage: 100, hasNextPage: true });
    const sorted = [...catalog.media.keys()].sort((a, b) => a - b);
    assert.deepEqual(media.map((m: { id: number }) => m.id), sorted.slice(50, 100));
  });

  test('idMal_in and Media(idMal) find entries by MyAnimeList id', async () => {
    const page = await gql('{ Page { media(idMal_in: [16498, 25777]) { id idMal } } }');
    assert.deepEqual(page.json.data.Page.media.map((m: { idMal: number }) => m.idMal).sort(), [16498, 25777]);
    const one = await gql('{ Media(idMal: 16498, type: ANIME) { id } }');
    assert.equal(one.json.data.Media.id, 16498);
  });

  test('offsets past 5000 entries are refused with 400', async () => {
    const res = await gql('{ Page(page: 101, perPage: 50) { media { id } } }');
    assert.equal(res.status, 400);
    assert.equal(res.json.errors[0].message, 'Page depth exceeds maximum allowed for API requests (5000 entries)');
    assert.equal(res.json.errors[0].status, 400);
  });
});

describe('AniList complexity', () => {
  test('a full Page of 50 with every client field and relations fits under 500', async () => {
    const operation = parse(FULL_PAGE).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const cost = queryComplexity(operation, new Map());
    assert.ok(cost < 500, `cost ${cost}`);
    const ids = [...catalog.media.keys()].slice(0, 50);
    const res = await gql(FULL_PAGE, { ids });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.equal(res.json.data.Page.media.length, 50);
    const aot = (await gql(FULL_PAGE, { ids: [16498] })).json.data.Page.media[0];
    assert.equal(aot.title.english, 'Attack on Titan');
    assert.deepEqual(aot.startDate, { year: 2013, month: 4, day: 7 });
    assert.deepEqual(aot.studios.nodes.map((s: { name: string }) => s.name), ['Wit Studio']);
    assert.equal(aot.tags[0].name, 'Award Winning');
    assert.equal(typeof aot.popularity, 'number');
    assert.equal(typeof aot.updatedAt, 'number');
    assert.equal(aot.siteUrl, 'https://anilist.co/anime/16498');
    assert.equal(aot.relations.edges.find((e: { node: { id: number } }) => e.node.id === 20958).relationType, 'SEQUEL');
  });

  test('one point per field, aliases summed, lists not multiplied: 251 aliased Media(id) cost 502 and are refused', async () => {
    const query = `{ ${Array.from({ length: 251 }, (_, i) => `m${i}: Media(id: 1) { id }`).join(' ')} }`;
    const res = await gql(query);
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { errors: [{ message: 'Max query complexity should be 500 but got 502.', status: 400 }], data: null });
    const fits = await gql(`{ ${Array.from({ length: 250 }, (_, i) => `m${i}: Media(id: 1) { id }`).join(' ')} }`);
    assert.equal(fits.status, 200);
  });

  test('fragments count where they are spread', async () => {
    const query = `fragment F on Media { ${Array.from({ length: 60 }, () => 'id').join(' ')} } { a: Media(id: 1) { ...F ...F } b: Media(id: 5) { ...F ...F ...F ...F ...F ...F ...F } }`;
    // 2 roots + 9 spreads x 60 fields = 542.
    const res = await gql(query);
    assert.equal(res.status, 400);
    assert.equal(res.json.errors[0].message, 'Max query complexity should be 500 but got 542.');
  });
});

describe('AniList errors', () => {
  test('an unknown Media(id) is a 404 with data.Media null', async () => {
    const res = await gql('query { Media(id: 999999999) { id } }');
    assert.equal(res.status, 404);
    assert.deepEqual(res.json, { errors: [{ message: 'Not Found.', status: 404, locations: [{ line: 1, column: 9 }] }], data: { Media: null } });
  });

  test('syntax errors, unknown fields, bad JSON and a missing query are 400s in AniList shape', async () => {
    const syntax = await gql('{ Media(id: 1) { id ');
    assert.equal(syntax.status, 400);
    assert.equal(syntax.json.data, null);
    assert.match(syntax.json.errors[0].message, /Syntax Error/);
    assert.equal(syntax.json.errors[0].status, 400);
    assert.ok(syntax.json.errors[0].locations[0].line >= 1);

    const unknown = await gql('{ Media(id: 1) { id notAField } }');
    assert.equal(unknown.status, 400);
    assert.match(unknown.json.errors[0].message, /Cannot query field "notAField" on type "Media"/);

    const badVariable = await gql('query ($id: Int) { Media(id: $id) { id } }', { id: 'sixteen' });
    assert.equal(badVariable.status, 400);
    assert.match(badVariable.json.errors[0].message, /\$id/);

    const badJson = await fetch(sim.anilistUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"query": ' });
    assert.equal(badJson.status, 400);
    assert.deepEqual(await badJson.json(), { errors: [{ message: 'Invalid JSON in request body.', status: 400 }], data: null });

    const noQuery = await fetch(sim.anilistUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(noQuery.status, 400);
    assert.match((await noQuery.json()).errors[0].message, /must include at least one of those two parameters/);
  });

  test('every response carries X-RateLimit-Limit and X-RateLimit-Remaining', async () => {
    const ok = await gql('{ Media(id: 1) { id } }');
    const missing = await gql('{ Media(id: 999999999) { id } }');
    for (const res of [ok, missing]) {
      assert.equal(res.headers.get('x-ratelimit-limit'), '100000');
      assert.match(res.headers.get('x-ratelimit-remaining') ?? '', /^\d+$/);
    }
  });

  test('requireReferer answers requests without a Referer with the 403 "temporarily disabled" body', async () => {
    sim.configure({ requireReferer: true });
    try {
      const res = await fetch(sim.anilistUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: '{ Media(id: 1) { id } }' }) });
      assert.equal(res.status, 403);
      const body = await res.json();
      assert.equal(body.data, null);
      assert.equal(body.errors[0].status, 403);
      assert.match(body.errors[0].message, /temporarily disabled due to severe stability issues/);
      assert.equal((await gql('{ Media(id: 1) { id } }')).status, 200, 'with a Referer it answers');
    } finally {
      sim.configure({ requireReferer: false });
    }
  });
});

describe('AniList versions and fields', () => {
  test('without version 2 a SOURCE edge reads ADAPTATION', async () => {
    // 900388's relation to 109089 is SOURCE in the catalog.
    const res = await gql('{ Media(id: 900388) { relations { edges { v1: relationType v2: relationType(version: 2) node { id } } } } }');
    const edge = res.json.data.Media.relations.edges.find((e: { node: { id: number } }) => e.node.id === 109089);
    assert.deepEqual({ v1: edge.v1, v2: edge.v2 }, { v1: 'ADAPTATION', v2: 'SOURCE' });
  });

  test('source needs version 3 for WEB_NOVEL; older versions read OTHER', async () => {
    const res = await gql('{ Media(id: 98861) { v1: source v3: source(version: 3) } }');
    assert.deepEqual(res.json.data.Media, { v1: 'OTHER', v3: 'WEB_NOVEL' });
  });

  test('fields the catalog lacks are null; dates are objects of null parts', async () => {
    const announced = [...catalog.media.values()].find((m) => m.startDate === null)!;
    const res = await gql(`{ Media(id: ${announced.id}) { startDate { year month day } nextAiringEpisode { episode } trailer { id } chapters } }`);
    assert.deepEqual(res.json.data.Media, { startDate: { year: null, month: null, day: null }, nextAiringEpisode: null, trailer: null, chapters: null });
  });

  test('GET with a query string works too', async () => {
    const res = await fetch(`${sim.anilistUrl}?query=${encodeURIComponent('{ Media(id: 1) { title { romaji } } }')}`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: { Media: { title: { romaji: 'Cowboy Bebop' } } } });
  });
});

describe('AniList search', () => {
  const search = async (text: string) => {
    const res = await gql('query ($s: String) { Page(perPage: 10) { media(search: $s, type: ANIME, sort: SEARCH_MATCH) { id title { romaji english } } } }', { s: text });
    assert.equal(res.status, 200);
    return res.json.data.Page.media as { id: number; title: { romaji: string; english: string | null } }[];
  };

  test('"attack on titan" finds 16498 first, whatever the case or diacritics', async () => {
    for (const text of ['attack on titan', 'ATTACK ON TITAN', 'Attack on Titan!', 'shingeki no kyōjin']) {
      assert.equal((await search(text))[0]?.id, 16498, text);
    }
    const media = await gql('{ Media(search: "attack on titan", type: ANIME) { id } }');
    assert.equal(media.json.data.Media.id, 16498);
  });

  test('exact beats prefix beats contains', async () => {
    const results = await search('cowboy bebop');
    assert.equal(results[0].id, 1);
    const firstContains = results.findIndex((m) => ![m.title.romaji, m.title.english].some((t) => t?.toLowerCase().startsWith('cowboy bebop')));
    const lastPrefix = results.findLastIndex((m) => [m.title.romaji, m.title.english].some((t) => t?.toLowerCase().startsWith('cowboy bebop')));
    if (firstContains !== -1) assert.ok(lastPrefix < firstContains, 'prefix matches come before contains-only matches');
  });

  test('no match answers an empty page, and Media(search) a 404', async () => {
    assert.deepEqual(await search('zzqxv no such anime'), []);
    assert.equal((await gql('{ Media(search: "zzqxv no such anime") { id } }')).status, 404);
  });
});
