import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as jikanTs from '@tutkli/jikan-ts';
import { getNullableType, isListType, isObjectType, type GraphQLObjectType } from 'graphql';
import { ClientError, GraphQLClient } from 'graphql-request';
import ky, { type KyInstance } from 'ky';
import { loadAnilistSchema } from './anilist/anilist-schema.ts';
import { startSimulator, type RunningSimulator } from './simulator.ts';

// Real third-party clients, pinned as dev dependencies, against the simulator on loopback, with the
// kind of queries public anime apps send (written here for the purpose). Every request they make is
// checked to go to 127.0.0.1: neither client may fall back to its default host.

let sim: RunningSimulator;
let anilist: GraphQLClient;
/**
 * The part of @tutkli/jikan-ts these tests call. Its published .d.ts files import each other without
 * file extensions, which Node's ESM type resolution (this project's) cannot follow, so the types are
 * stated here; the calls go to the real library.
 */
interface JikanAnime {
  mal_id: number;
  title: string;
  type: string | null;
  score: number | null;
  rank: number | null;
  members: number;
  synopsis: string | null;
  aired: { from: string | null };
  genres: { mal_id: number; name: string }[];
  relations: { relation: string; entry: { mal_id: number; type: string }[] }[];
}
type Page<T> = Promise<{ data: T; pagination?: { items: { total: number } } }>;
interface JikanLike {
  anime: {
    getAnimeSearch(params: Record<string, unknown>): Page<JikanAnime[]>;
    getAnimeFullById(id: number): Page<JikanAnime>;
    getAnimeCharacters(id: number): Page<unknown[]>;
    getAnimeEpisodes(id: number): Page<unknown[]>;
    getAnimeStatistics(id: number): Page<{ total: number }>;
  };
  manga: { getMangaFullById(id: number): Page<JikanAnime> };
  top: { getTopAnime(params: Record<string, unknown>): Page<JikanAnime[]> };
  seasons: { getSeason(year: number, season: string, params: Record<string, unknown>): Page<JikanAnime[]> };
  genres: { getAnimeGenres(): Page<{ mal_id: number; name: string }[]> };
}
const { JikanClient } = jikanTs as unknown as { JikanClient: new (args: { kyInstance: KyInstance }) => JikanLike };

let jikan: JikanLike;
const hosts = new Set<string>();

before(async () => {
  sim = await startSimulator({ anilistRatePerMinute: 100_000, jikanPerSecond: 1000, jikanPerMinute: 100_000 });
  const loopback = (url: string) => {
    hosts.add(new URL(url).hostname);
    assert.equal(new URL(url).hostname, '127.0.0.1', `a client tried ${url}`);
  };
  anilist = new GraphQLClient(sim.anilistUrl, {
    headers: { Referer: 'https://tsunagu.test/' },
    requestMiddleware: (request) => {
      loopback(String(request.url));
      return request;
    },
  });
  const kyInstance = ky.create({ prefixUrl: sim.jikanUrl, retry: 0, hooks: { beforeRequest: [(request) => loopback(request.url)] } });
  jikan = new JikanClient({ kyInstance });
});
after(async () => {
  await sim.close();
  assert.deepEqual([...hosts], ['127.0.0.1']);
});

/**
 * Field names that are a list or a connection in every schema type that has them: wherever such a
 * key appears in an answer, null is wrong. Built from the schema, so it covers fields no test names.
 */
const LIST_FIELDS = (() => {
  const schema = loadAnilistSchema();
  const kinds = new Map<string, Set<boolean>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values((type as GraphQLObjectType).getFields())) {
      const inner = getNullableType(field.type);
      const list = isListType(inner) || (isObjectType(inner) && inner.name.endsWith('Connection'));
      kinds.set(field.name, (kinds.get(field.name) ?? new Set()).add(list));
    }
  }
  return new Set([...kinds].filter(([, k]) => k.size === 1 && k.has(true)).map(([name]) => name));
})();

function assertNoNullLists(value: unknown, path = 'data'): number {
  if (value === null || typeof value !== 'object') return 0;
  let checked = 0;
  for (const [key, child] of Object.entries(value)) {
    if (!Array.isArray(value) && LIST_FIELDS.has(key)) {
      assert.notEqual(child, null, `${path}.${key} is null`);
      checked++;
    }
    checked += assertNoNullLists(child, `${path}.${key}`);
  }
  return checked;
}

describe('graphql-request against the simulated AniList', () => {
  test('a tracker sync: the user list collection, then the titles by MAL id with airing state', async () => {
    const lists = await anilist.request<any>(
      `query ($user: String) { MediaListCollection(userName: $user, type: ANIME) { lists { name status entries { mediaId progress score } } user { id name } hasNextChunk } }`,
      { user: 'somebody' },
    );
    assert.deepEqual(lists.MediaListCollection.lists, []);
    const page = await anilist.request<any>(
      `query ($ids: [Int], $page: Int) { Page(page: $page, perPage: 50) { pageInfo { hasNextPage total }
        media(idMal_in: $ids, type: ANIME) { id idMal title { romaji english userPreferred } episodes status(version: 2) format
          nextAiringEpisode { episode airingAt } mediaListEntry { status progress } synonyms } } }`,
      { ids: [1, 5, 16498, 25777, 5114], page: 1 },
    );
    assert.deepEqual(page.Page.media.map((m: { idMal: number }) => m.idMal).sort((a: number, b: number) => a - b), [1, 5, 5114, 16498, 25777]);
    assert.ok(assertNoNullLists(page) > 0);
  });

  test('a media-server plugin: search a title, then every field it shows (characters, staff, studios, links, trailer)', async () => {
    const found = await anilist.request<any>(
      `query ($search: String) { Page(perPage: 6) { media(search: $search, type: ANIME, sort: SEARCH_MATCH) {
        id title { romaji english native userPreferred } startDate { year month day } endDate { year month day }
        coverImage { extraLarge large medium color } bannerImage format episodes duration status description(asHtml: false)
        averageScore meanScore popularity genres synonyms tags { name rank isMediaSpoiler }
        studios(isMain: true) { nodes { id name isAnimationStudio } }
        characters(sort: [ROLE, RELEVANCE, ID], perPage: 25) { edges { role node { id name { full native } image { large } }
          voiceActors(language: JAPANESE, sort: [RELEVANCE, ID]) { id name { full } image { large } } } }
        staff(sort: [RELEVANCE, ID], perPage: 25) { edges { role node { id name { full } } } }
        externalLinks { url site type } streamingEpisodes { title thumbnail url } trailer { id site }
        rankings { rank type allTime context } } } }`,
      { search: 'Fullmetal Alchemist' },
    );
    const media = found.Page.media;
    assert.ok(media.length > 0 && media.every((m: { format: string }) => m.format !== null));
    assert.ok(assertNoNullLists(found) > media.length * 8);
    media.forEach((m: any) => {
      m.characters.edges.forEach(() => assert.fail('the catalog has no characters'));
      m.studios.nodes.forEach((s: { isAnimationStudio: boolean }) => assert.equal(s.isAnimationStudio, true));
    });
  });

  test('a list manager: a season browse with genre and format filters, relations typed, schedule and rankings', async () => {
    const season = await anilist.request<any>(
      `query ($season: MediaSeason, $year: Int, $page: Int) { Page(page: $page, perPage: 50) { pageInfo { total currentPage lastPage hasNextPage }
        media(season: $season, seasonYear: $year, type: ANIME, format_in: [TV, TV_SHORT, ONA], genre_in: ["Action"], isAdult: false, sort: [POPULARITY_DESC, SCORE_DESC]) {
          id title { userPreferred } season seasonYear format genres averageScore popularity
          airingSchedule(notYetAired: true, perPage: 2) { nodes { episode airingAt } }
          relations { edges { relationType(version: 2) node { id type format title { userPreferred } } } } } } }`,
      { season: 'SPRING', year: 2013, page: 1 },
    );
    const media = season.Page.media;
    assert.ok(media.some((m: { id: number }) => m.id === 16498));
    for (const m of media) {
      assert.deepEqual([m.season, m.seasonYear], ['SPRING', 2013]);
      assert.ok(['TV', 'TV_SHORT', 'ONA'].includes(m.format) && m.genres.includes('Action'));
    }
    const aot = media.find((m: { id: number }) => m.id === 16498);
    const manga = aot.relations.edges.filter((e: { node: { type: string } }) => e.node.type === 'MANGA');
    assert.ok(manga.some((e: { relationType: string; node: { format: string } }) => e.relationType === 'SOURCE' && e.node.format === 'MANGA'));
    assertNoNullLists(season);
  });

  test('a crawler: pages by updatedAt with every connection it archives', async () => {
    const page = await anilist.request<any>(
      `query ($page: Int) { Page(page: $page, perPage: 25) { pageInfo { hasNextPage }
        media(type: ANIME, sort: UPDATED_AT_DESC) { id updatedAt relations { nodes { id type } }
          recommendations(perPage: 5) { nodes { mediaRecommendation { id } } } reviews(perPage: 5) { nodes { id } }
          trends(perPage: 5) { nodes { date } } stats { statusDistribution { status amount } scoreDistribution { score amount } } } } }`,
      { page: 2 },
    );
    const updated = page.Page.media.map((m: { updatedAt: number }) => m.updatedAt);
    assert.deepEqual(updated, [...updated].sort((a: number, b: number) => b - a));
    assert.ok(assertNoNullLists(page) >= 25 * 5);
  });

  test('an unmodelled filter is refused with an error naming it, which the client raises', async () => {
    await assert.rejects(anilist.request('{ Page { media(licensedBy: "Crunchyroll", type: ANIME) { id } } }'), (error: unknown) => {
      assert.ok(error instanceof ClientError);
      assert.equal(error.response.status, 400);
      assert.match(error.response.errors![0]!.message, /^argument licensedBy is not supported by the simulator/);
      return true;
    });
  });
});

describe('@tutkli/jikan-ts against the simulated Jikan', () => {
  test('search with filters and order: type movie answers films only, sfw, order by score', async () => {
    const movies = await jikan.anime.getAnimeSearch({ q: 'ghost in the shell', type: 'movie', sfw: true, order_by: 'score', sort: 'desc', limit: 10 });
    assert.ok(movies.data.length > 0);
    assert.ok(movies.data.every((a) => a.type === 'Movie'));
    const scores = movies.data.map((a) => a.score ?? -1);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    assert.ok(movies.pagination && movies.pagination.items.total >= movies.data.length);
  });

  test('an anime with its relations (manga included), characters, episodes and statistics', async () => {
    const full = await jikan.anime.getAnimeFullById(16498);
    assert.equal(full.data.title, 'Shingeki no Kyojin');
    assert.match(full.data.aired.from!, /T00:00:00\+00:00$/);
    assert.ok(full.data.genres.some((g) => g.mal_id === 1 && g.name === 'Action'));
    assert.ok(typeof full.data.synopsis === 'string' && full.data.synopsis.length > 20);
    const manga = full.data.relations.flatMap((g) => g.entry).filter((e) => e.type === 'manga');
    assert.ok(manga.length >= 1);
    const work = await jikan.manga.getMangaFullById(manga[0]!.mal_id);
    assert.ok(work.data.relations.some((g) => g.entry.some((e) => e.mal_id === 16498 && e.type === 'anime')));
    assert.deepEqual((await jikan.anime.getAnimeCharacters(16498)).data, []);
    assert.deepEqual((await jikan.anime.getAnimeEpisodes(16498)).data, []);
    const stats = await jikan.anime.getAnimeStatistics(16498);
    assert.equal(stats.data.total, full.data.members);
  });

  test('top, season and genres lists', async () => {
    const top = await jikan.top.getTopAnime({ type: 'tv', limit: 5 });
    assert.deepEqual(top.data.map((a) => a.type), ['TV', 'TV', 'TV', 'TV', 'TV']);
    const ranks = top.data.map((a) => a.rank!);
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
    const spring = await jikan.seasons.getSeason(2013, 'spring', { filter: 'tv', limit: 25 });
    assert.ok(spring.data.some((a) => a.mal_id === 16498));
    const genres = await jikan.genres.getAnimeGenres();
    assert.ok(genres.data.some((g) => g.mal_id === 1 && g.name === 'Action'));
  });

  test("order_by=bogus and a bad type are Jikan's 400, which the client raises", async () => {
    await assert.rejects(jikan.anime.getAnimeSearch({ q: 'naruto', order_by: 'bogus' }), (error: any) => {
      assert.equal(error.response.status, 400);
      return true;
    });
    await assert.rejects(jikan.anime.getAnimeSearch({ type: 'film' }), (error: any) => error.response.status === 400);
  });
});
