import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getNamedType, isListType, isNonNullType, type GraphQLInputType, type GraphQLObjectType } from 'graphql';
import { loadCatalog, type Catalog, type CatalogMedia } from '../catalog/catalog.ts';
import { normaliseTitle } from '../domain/title.ts';
import { loadAnilistSchema } from './anilist/anilist-schema.ts';
import { derivedFigures, type DerivedFigures } from './derived-figures.ts';
import { isSourceWork } from './source-work.ts';
import { sourceWorks } from './source-works.ts';
import { startSimulator, type RunningSimulator } from './simulator.ts';
import { postGraphql } from '../../test/support/sim-requests.ts';

// Written from AniList's documented semantics, independently of the simulator's own table:
// FuzzyDateInt is YYYYMMDD with 0 for unknown parts; null never matches a comparison.
const dateInt = (d: CatalogMedia['startDate']) => (d?.year == null ? null : d.year * 10_000 + (d.month ?? 0) * 100 + (d.day ?? 0));
const has = (list: string[], value: string) => list.some((v) => v.toLowerCase() === value.toLowerCase());
const cmp = (x: number | null, f: (x: number) => boolean) => x !== null && f(x);

type Expect = (m: CatalogMedia, figures: DerivedFigures) => boolean;

/** One filter per argument: the arguments as GraphQL text, and which catalog entries must answer. */
const CASES: Record<string, { args: string; expect: Expect }> = {
  id: { args: 'id: 16498', expect: (m) => m.id === 16498 },
  id_not: { args: 'id_not: 1', expect: (m) => m.id !== 1 },
  id_in: { args: 'id_in: [1, 5, 16498, 999999999]', expect: (m) => [1, 5, 16498].includes(m.id) },
  id_not_in: { args: 'id_not_in: [1, 5, 6]', expect: (m) => ![1, 5, 6].includes(m.id) },
  idMal: { args: 'idMal: 16498', expect: (m) => m.idMal === 16498 },
  idMal_not: { args: 'idMal_not: 1', expect: (m) => m.idMal !== null && m.idMal !== 1 },
  idMal_in: { args: 'idMal_in: [1, 5, 16498]', expect: (m) => [1, 5, 16498].includes(m.idMal ?? -1) },
  idMal_not_in: { args: 'idMal_not_in: [1]', expect: (m) => m.idMal !== null && m.idMal !== 1 },
  startDate: { args: 'startDate: 20130407', expect: (m) => dateInt(m.startDate) === 20130407 },
  startDate_greater: { args: 'startDate_greater: 20260000', expect: (m) => cmp(dateInt(m.startDate), (d) => d > 20260000) },
  startDate_lesser: { args: 'startDate_lesser: 19300000', expect: (m) => cmp(dateInt(m.startDate), (d) => d < 19300000) },
  // A year-only date is YYYY0000: it lies before January 1st of its year.
  startDate_like: { args: 'startDate_like: "2013%", startDate_lesser: 20130100', expect: (m) => m.startDate?.year === 2013 && m.startDate.month === null },
  endDate: { args: 'endDate: 20130929', expect: (m) => dateInt(m.endDate) === 20130929 },
  endDate_greater: { args: 'endDate_greater: 20260300', expect: (m) => cmp(dateInt(m.endDate), (d) => d > 20260300) },
  endDate_lesser: { args: 'endDate_lesser: 19400000', expect: (m) => cmp(dateInt(m.endDate), (d) => d < 19400000) },
  endDate_like: { args: 'endDate_like: "____12__"', expect: (m) => m.endDate?.year != null && m.endDate.month === 12 },
  season: { args: 'season: SPRING', expect: (m) => m.season === 'SPRING' },
  seasonYear: { args: 'seasonYear: 2013', expect: (m) => m.seasonYear === 2013 },
  type: { args: 'type: MANGA', expect: (m) => isSourceWork(m) },
  format: { args: 'format: MUSIC', expect: (m) => m.format === 'MUSIC' },
  format_in: { args: 'format_in: [MOVIE, OVA]', expect: (m) => m.format === 'MOVIE' || m.format === 'OVA' },
  format_not: { args: 'format_not: TV', expect: (m) => m.format !== null && m.format !== 'TV' },
  format_not_in: { args: 'format_not_in: [TV, MOVIE]', expect: (m) => m.format !== null && m.format !== 'TV' && m.format !== 'MOVIE' },
  status: { args: 'status: RELEASING', expect: (m) => m.status === 'RELEASING' },
  status_in: { args: 'status_in: [RELEASING, NOT_YET_RELEASED]', expect: (m) => m.status === 'RELEASING' || m.status === 'NOT_YET_RELEASED' },
  status_not: { args: 'status_not: FINISHED', expect: (m) => m.status !== null && m.status !== 'FINISHED' },
  status_not_in: { args: 'status_not_in: [FINISHED, RELEASING]', expect: (m) => m.status === 'NOT_YET_RELEASED' },
  episodes: { args: 'episodes: 12', expect: (m) => m.episodes === 12 },
  episodes_greater: { args: 'episodes_greater: 500', expect: (m) => cmp(m.episodes, (e) => e > 500) },
  episodes_lesser: { args: 'episodes_lesser: 2', expect: (m) => cmp(m.episodes, (e) => e < 2) },
  duration: { args: 'duration: 24', expect: (m) => m.duration === 24 },
  duration_greater: { args: 'duration_greater: 150', expect: (m) => cmp(m.duration, (d) => d > 150) },
  duration_lesser: { args: 'duration_lesser: 2', expect: (m) => cmp(m.duration, (d) => d < 2) },
  // Anime have no chapters or volumes, and the synthetic works do not say: every such filter matches nothing, as on AniList for unknown counts.
  chapters: { args: 'chapters: 1', expect: () => false },
  chapters_greater: { args: 'chapters_greater: 0', expect: () => false },
  chapters_lesser: { args: 'chapters_lesser: 1000', expect: () => false },
  volumes: { args: 'volumes: 1', expect: () => false },
  volumes_greater: { args: 'volumes_greater: 0', expect: () => false },
  volumes_lesser: { args: 'volumes_lesser: 1000', expect: () => false },
  isAdult: { args: 'isAdult: true', expect: (m) => m.isAdult },
  genre: { args: 'genre: "mecha"', expect: (m) => has(m.genres, 'Mecha') },
  genre_in: { args: 'genre_in: ["Action", "Comedy"]', expect: (m) => has(m.genres, 'Action') && has(m.genres, 'Comedy') },
  genre_not_in: { args: 'genre_not_in: ["Action", "Comedy"]', expect: (m) => !has(m.genres, 'Action') && !has(m.genres, 'Comedy') },
  tag: { args: 'tag: "Space"', expect: (m) => has(m.tags, 'Space') },
  tag_in: { args: 'tag_in: ["Space", "Mecha"]', expect: (m) => has(m.tags, 'Space') && has(m.tags, 'Mecha') },
  tag_not_in: { args: 'tag_not_in: ["Space"], seasonYear: 1998', expect: (m) => !has(m.tags, 'Space') && m.seasonYear === 1998 },
  // Tag ranks fall from 95 with the tag's position (7 a step): only the first tag reaches 90.
  minimumTagRank: { args: 'tag: "Space", minimumTagRank: 90', expect: (m) => m.tags[0] === 'Space' },
  averageScore: { args: 'averageScore: 86', expect: (m) => m.averageScore === 86 },
  averageScore_not: { args: 'averageScore_not: 86', expect: (m) => m.averageScore !== null && m.averageScore !== 86 },
  averageScore_greater: { args: 'averageScore_greater: 88', expect: (m) => cmp(m.averageScore, (s) => s > 88) },
  averageScore_lesser: { args: 'averageScore_lesser: 30', expect: (m) => cmp(m.averageScore, (s) => s < 30) },
  popularity: { args: 'popularity: POP', expect: (m, f) => f.anilistPopularity(m.id) === POP },
  popularity_not: { args: 'popularity_not: POP', expect: (m, f) => f.anilistPopularity(m.id) !== POP },
  popularity_greater: { args: 'popularity_greater: 200000', expect: (m, f) => f.anilistPopularity(m.id) > 200_000 },
  popularity_lesser: { args: 'popularity_lesser: 300', expect: (m, f) => f.anilistPopularity(m.id) < 300 },
  source: { args: 'source: WEB_NOVEL', expect: (m) => m.source === 'WEB_NOVEL' },
  source_in: { args: 'source_in: [WEB_NOVEL, PICTURE_BOOK]', expect: (m) => m.source === 'WEB_NOVEL' || m.source === 'PICTURE_BOOK' },
  countryOfOrigin: { args: 'countryOfOrigin: "kr"', expect: (m) => /\p{Script=Hangul}/u.test(m.title.native ?? '') },
  // Every word of the search in one title or synonym (the loosest match AniList's search makes).
  search: {
    args: 'search: "bebop cowboy"',
    expect: (m) => [m.title.romaji, m.title.english, m.title.native, ...m.synonyms].some((t) => t && ['bebop', 'cowboy'].every((w) => normaliseTitle(t).includes(w))),
  },
};

/** What the catalog cannot answer: refused with an error naming the argument. */
const REFUSED = new Set(['onList', 'licensedBy', 'licensedById', 'isLicensed', 'licensedBy_in', 'licensedById_in', 'tagCategory', 'tagCategory_in', 'tagCategory_not_in']);

/** Tested in anilist-sort.test.ts. */
const SORT = 'sort';

/** Entry 16498's derived popularity, so `popularity: POP` matches at least Attack on Titan. */
let POP = 0;

let sim: RunningSimulator;
let catalog: Catalog;
/** AniList's media: the catalog's anime, then the manga and novels the simulator derives from them. */
let media: CatalogMedia[];
let figures: DerivedFigures;
const schema = loadAnilistSchema();
const mediaArgs = (schema.getType('Page') as GraphQLObjectType).getFields().media!.args;
const rootArgs = schema.getQueryType()!.getFields().Media!.args;

before(async () => {
  catalog = await loadCatalog();
  media = [...catalog.media.values(), ...sourceWorks(catalog).works.values()];
  figures = derivedFigures(catalog);
  POP = figures.anilistPopularity(16498);
  sim = await startSimulator({ catalog, anilistRatePerMinute: 100_000 });
});
after(() => sim.close());

const ids = (media: { id: number }[]) => media.map((m) => m.id);

/** A value of the argument's type, for arguments that must be refused whatever their value. */
function literalFor(type: GraphQLInputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return `[${literalFor(inner.ofType)}]`;
  const name = getNamedType(inner).name;
  return name === 'Int' ? '1' : name === 'Boolean' ? 'true' : name === 'String' ? '"x"' : name === 'CountryCode' ? '"JP"' : name === 'FuzzyDateInt' ? '20200101' : 'TV';
}

describe('every Media and Page.media argument is honoured or refused', () => {
  test('the two fields take the same arguments, and each has a filter case, a refusal or the sort tests', () => {
    assert.deepEqual(rootArgs.map((a) => a.name), mediaArgs.map((a) => a.name));
    const unaccounted = mediaArgs.map((a) => a.name).filter((name) => !CASES[name] && !REFUSED.has(name) && name !== SORT);
    assert.deepEqual(unaccounted, [], 'a new schema argument needs a case here');
  });

  for (const { name } of mediaArgs.filter((a) => CASES[a.name])) {
    test(`${name} filters as AniList does`, async () => {
      const { args, expect } = CASES[name]!;
      const text = args.replace(/POP/g, String(POP));
      const expected = media.filter((m) => expect(m, figures)).map((m) => m.id).sort((a, b) => a - b);
      assert.ok(expected.length < media.length, `${name}: the case must leave entries out, or ignoring it would pass`);

      const page = async (sort: string) => {
        const res = await postGraphql(sim.anilistUrl, `{ Page(perPage: 50) { pageInfo { total hasNextPage } media(${text}, sort: ${sort}) { id } } }`);
        assert.equal(res.status, 200, `${name}: ${res.text.slice(0, 300)}`);
        return res.json.data.Page;
      };
      const up = await page('ID');
      assert.equal(up.pageInfo.total, Math.min(expected.length, 5000), `${name}: total`);
      assert.deepEqual(ids(up.media), expected.slice(0, 50), `${name}: the lowest ids`);
      const down = await page('ID_DESC');
      assert.deepEqual(ids(down.media), [...expected].reverse().slice(0, 50), `${name}: the highest ids`);

      // Media answers the first match of the same filter, or AniList's 404.
      const one = await postGraphql(sim.anilistUrl, `{ Media(${text}, sort: ID) { id } }`);
      if (expected.length === 0) assert.equal(one.status, 404, name);
      else assert.equal(one.json.data.Media.id, expected[0], name);
    });
  }

  for (const { name, type } of mediaArgs.filter((a) => REFUSED.has(a.name))) {
    test(`${name} is refused with AniList's error shape, naming it`, async () => {
      for (const field of [`Page { media(${name}: ${literalFor(type)}) { id } }`, `Media(${name}: ${literalFor(type)}) { id }`]) {
        const res = await postGraphql(sim.anilistUrl, `{ ${field} }`);
        assert.equal(res.status, 400, field);
        assert.equal(res.json.errors.length, 1);
        assert.match(res.json.errors[0].message, new RegExp(`^argument ${name} is not supported by the simulator: `));
        assert.equal(res.json.errors[0].status, 400);
        assert.ok(res.json.errors[0].locations[0].line >= 1);
      }
    });
  }

  test('null means not given: clients that send every variable unset are not refused', async () => {
    const res = await postGraphql(
      sim.anilistUrl,
      'query ($onList: Boolean, $licensedBy: String, $genre: String) { Page(perPage: 3) { media(onList: $onList, licensedBy: $licensedBy, genre: $genre, sort: ID) { id } } }',
      { onList: null },
    );
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(ids(res.json.data.Page.media), [...catalog.media.keys()].sort((a, b) => a - b).slice(0, 3));
  });

  test('the filters of a real browse query combine: a season, a format and a genre', async () => {
    const res = await postGraphql(
      sim.anilistUrl,
      'query { Page(perPage: 50) { pageInfo { total } media(seasonYear: 2013, season: SPRING, format_in: [TV], genre_in: ["Action"], sort: POPULARITY_DESC) { id seasonYear season format genres } } }',
    );
    const { media, pageInfo } = res.json.data.Page;
    assert.ok(media.length > 5);
    assert.equal(pageInfo.total, media.length);
    for (const m of media) {
      assert.deepEqual([m.seasonYear, m.season, m.format], [2013, 'SPRING', 'TV']);
      assert.ok(m.genres.includes('Action'));
    }
    assert.ok(ids(media).includes(16498), 'Attack on Titan is a spring 2013 action TV series');
  });

  test('a bad FuzzyDateInt is refused naming the argument', async () => {
    const res = await postGraphql(sim.anilistUrl, '{ Page { media(startDate_greater: "2013-04-07") { id } } }');
    assert.equal(res.status, 400);
    assert.match(res.json.errors[0].message, /^argument startDate_greater must be a FuzzyDateInt \(YYYYMMDD/);
  });
});
