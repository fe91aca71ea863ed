import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GraphQLEnumType } from 'graphql';
import { loadCatalog, type Catalog, type CatalogMedia } from '../catalog/catalog.ts';
import { loadAnilistSchema } from './anilist/anilist-schema.ts';
import { derivedFigures, type DerivedFigures } from './derived-figures.ts';
import { startSimulator, type RunningSimulator } from './simulator.ts';
import { postGraphql } from '../../test/support/sim-requests.ts';

const schema = loadAnilistSchema();
const enumOrder = (type: string) => (schema.getType(type) as GraphQLEnumType).getValues().map((v) => v.name);
const SORTS = enumOrder('MediaSort');
const dateInt = (d: CatalogMedia['startDate']) => (d?.year == null ? null : d.year * 10_000 + (d.month ?? 0) * 100 + (d.day ?? 0));
const rank = (order: string[], value: string | null) => (value === null ? null : order.indexOf(value));

type Key = number | string | null;

let sim: RunningSimulator;
let catalog: Catalog;
let figures: DerivedFigures;
/** 50 entries spread over the catalog, with missing titles, dates, scores and episodes among them. */
let sample: number[];

before(async () => {
  catalog = await loadCatalog();
  figures = derivedFigures(catalog);
  const all = [...catalog.media.values()].sort((a, b) => a.id - b.id);
  const undated = all.filter((m) => m.startDate === null).slice(0, 5);
  const spread = all.filter((_, i) => i % 450 === 0).slice(0, 45);
  sample = [...new Set([...spread, ...undated].map((m) => m.id))];
  sim = await startSimulator({ catalog, anilistRatePerMinute: 100_000 });
});
after(() => sim.close());

async function sorted(sort: string, ids = sample) {
  const res = await postGraphql(sim.anilistUrl, 'query ($ids: [Int], $sort: [MediaSort]) { Page(perPage: 50) { media(id_in: $ids, sort: $sort) { id updatedAt } } }', {
    ids,
    sort: sort.split(','),
  });
  return res;
}

/** The expected order: the key ascending or descending, missing values last either way, then ascending id. */
function expectedOrder(ids: number[], key: (m: CatalogMedia) => Key, desc: boolean): number[] {
  const collate = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
  return [...ids].sort((a, b) => {
    const x = key(catalog.media.get(a)!);
    const y = key(catalog.media.get(b)!);
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : collate.compare(String(x), String(y));
      if (order !== 0) return desc ? -order : order;
    }
    return a - b;
  });
}

describe('AniList sorts', () => {
  test('every MediaSort value sorts as AniList does, or is refused naming it', async () => {
    const updatedAt = new Map<number, number>();
    for (const m of (await sorted('ID')).json.data.Page.media) updatedAt.set(m.id, m.updatedAt);
    const keys: Record<string, (m: CatalogMedia) => Key> = {
      ID: (m) => m.id,
      TITLE_ROMAJI: (m) => m.title.romaji,
      TITLE_ENGLISH: (m) => m.title.english,
      TITLE_NATIVE: (m) => m.title.native,
      TYPE: () => 0,
      FORMAT: (m) => rank(enumOrder('MediaFormat'), m.format),
      STATUS: (m) => rank(enumOrder('MediaStatus'), m.status),
      START_DATE: (m) => dateInt(m.startDate),
      END_DATE: (m) => dateInt(m.endDate),
      SCORE: (m) => m.averageScore,
      POPULARITY: (m) => figures.anilistPopularity(m.id),
      FAVOURITES: (m) => figures.anilistFavourites(m.id),
      EPISODES: (m) => m.episodes,
      DURATION: (m) => m.duration,
      CHAPTERS: () => null,
      VOLUMES: () => null,
      UPDATED_AT: (m) => updatedAt.get(m.id)!,
      // Without a search every entry matches equally.
      SEARCH_MATCH: () => 0,
    };
    for (const sort of SORTS) {
      const base = sort.replace(/_DESC$/, '');
      const res = await sorted(sort);
      if (base === 'TRENDING') {
        assert.equal(res.status, 400, sort);
        assert.equal(res.json.errors[0].message, `argument sort: ${sort} is not supported by the simulator: the catalog has no trending figures`);
        continue;
      }
      assert.equal(res.status, 200, `${sort}: ${res.text.slice(0, 200)}`);
      assert.ok(keys[base], `a new MediaSort value needs a key here: ${sort}`);
      const got = res.json.data.Page.media.map((m: { id: number }) => m.id);
      assert.deepEqual(got, expectedOrder(sample, keys[base]!, sort.endsWith('_DESC')), sort);
    }
  });

  test('several sorts apply in order: format first, then score downwards', async () => {
    const res = await sorted('FORMAT,SCORE_DESC');
    const got = res.json.data.Page.media.map((m: { id: number }) => catalog.media.get(m.id)!);
    const formats = enumOrder('MediaFormat');
    for (let i = 1; i < got.length; i++) {
      const [a, b] = [got[i - 1]!, got[i]!];
      const byFormat = (rank(formats, a.format) ?? 99) - (rank(formats, b.format) ?? 99);
      assert.ok(byFormat <= 0, `${a.id} before ${b.id}: format`);
      if (byFormat === 0 && a.averageScore !== null && b.averageScore !== null) assert.ok(a.averageScore >= b.averageScore, `${a.id} before ${b.id}: score`);
    }
  });

  test('undated entries sort last both ways by START_DATE, and no date filter reaches them', async () => {
    const undated = [...catalog.media.values()].filter((m) => m.startDate === null).map((m) => m.id);
    for (const sort of ['START_DATE', 'START_DATE_DESC']) {
      const got = (await sorted(sort)).json.data.Page.media.map((m: { id: number }) => m.id);
      const tail = got.slice(-5);
      assert.ok(tail.every((id: number) => undated.includes(id)), sort);
    }
    const dated = await postGraphql(sim.anilistUrl, `{ Page { media(id_in: [${undated.slice(0, 40).join(',')}], startDate_greater: 0) { id } } }`);
    assert.deepEqual(dated.json.data.Page.media, [], 'startDate_greater: 0 matches no undated entry');
    const byStatus = await postGraphql(sim.anilistUrl, `{ Page { media(id_in: [${undated.slice(0, 40).join(',')}], status_in: [FINISHED, NOT_YET_RELEASED]) { id } } }`);
    assert.equal(byStatus.json.data.Page.media.length, 40, 'status filters reach them');
  });

  test('paging one sort visits every match exactly once', async () => {
    const expected = [...catalog.media.values()].filter((m) => m.format === 'TV_SHORT').map((m) => m.id);
    const seen: number[] = [];
    for (let page = 1; ; page++) {
      const res = await postGraphql(sim.anilistUrl, `{ Page(page: ${page}, perPage: 50) { pageInfo { hasNextPage } media(format: TV_SHORT, sort: [UPDATED_AT_DESC]) { id } } }`);
      seen.push(...res.json.data.Page.media.map((m: { id: number }) => m.id));
      if (!res.json.data.Page.pageInfo.hasNextPage) break;
    }
    assert.equal(seen.length, expected.length);
    assert.deepEqual([...seen].sort((a, b) => a - b), expected.sort((a, b) => a - b));
  });
});
