import type { Clock } from '../../clock.ts';
import type { Random } from '../seeded-random.ts';
import { jsonReply, type Reply } from '../sim-reply.ts';
import { indexTitles } from '../title-search.ts';
import { jikanFullAnime, jikanAnime, jikanRelations } from './jikan-anime.ts';
import { jikanNotFound, jikanValidation } from './jikan-errors.ts';
import { ANIME_SEARCH, listRecords, MANGA_SEARCH, SCHEDULES, SEASON, TOP_ANIME, TOP_MANGA } from './jikan-lists.ts';
import { jikanFullManga, jikanManga, jikanMangaRelations } from './jikan-manga.ts';
import { orderByParam, pageParams, pagination, runList, searchParams, sortParam, type ListRecord, type ListSpec } from './jikan-query.ts';
import { malImages, slug, statistics, type JikanContext } from './jikan-shared.ts';
import { MAL_GENRES, type GenreGroup } from './mal-genres.ts';

/**
 * How the simulator answers a Jikan route:
 * - `data`: from the catalog;
 * - `empty`: Jikan's shape with nothing in it (the catalog has no characters, episodes, reviews...);
 * - `not-found`: Jikan's 404 "Resource does not exist" for any id (the catalog has no such things).
 */
export type RouteAnswer = 'data' | 'empty' | 'not-found';

/** What a route handler reads. */
export interface RouteContext extends JikanContext {
  clock: Clock;
  random: Random;
  query: URLSearchParams;
}

export interface RouteReply {
  /** `single`: a resource Jikan caches per URI (public, fingerprinted); `list`: search-like, private. */
  cache: 'single' | 'list';
  reply: Reply;
}

export interface JikanRoute {
  /** As the contract shows it, e.g. `/anime/{id}/full`. */
  path: string;
  answer: RouteAnswer;
  doc: string;
  /** Query parameters, for list routes. */
  list?: ListSpec<never>;
  match: RegExp;
  handle(m: RegExpExecArray, ctx: RouteContext): RouteReply;
}

const single = (data: unknown): RouteReply => ({ cache: 'single', reply: jsonReply(200, { data }) });
const paged = (data: unknown[] = []): RouteReply => ({ cache: 'single', reply: jsonReply(200, { pagination: { last_visible_page: 1, has_next_page: false }, data }) });

function listReply<R extends ListRecord>(spec: ListSpec<R>, ctx: RouteContext, records: Iterable<R>, titles: ReadonlyMap<string, readonly number[]>, show: (r: R) => unknown): RouteReply {
  const answer = runList(spec, ctx.query, records, titles);
  if ('messages' in answer) return { cache: 'list', reply: jikanValidation(answer.messages) };
  const headers: Record<string, string> = answer.ignored.length > 0 ? { 'X-Sim-Ignored-Parameters': answer.ignored.join(',') } : {};
  return { cache: 'list', reply: jsonReply(200, { pagination: pagination(answer), data: answer.items.map(show) }, headers) };
}

const anime = (ctx: RouteContext) => (r: ListRecord) => jikanAnime(ctx.catalog.mal.get(r.malId)!, ctx);
const manga = (ctx: RouteContext) => (r: ListRecord) => jikanManga(ctx.works.byMalId.get(r.malId)!, ctx);

const SEASONS = ['winter', 'spring', 'summer', 'fall'];
const seasonOf = (month: number) => SEASONS[Math.floor((month % 12) / 3)]!;

function seasonList(ctx: RouteContext, year: number, season: string): RouteReply {
  const { anime: records, animeTitles } = listRecords(ctx.catalog);
  const continuing = ['', 'true', '1'].includes(ctx.query.get('continuing')?.toLowerCase() ?? 'no');
  const start = `${year}-${String(SEASONS.indexOf(season) * 3 + 1).padStart(2, '0')}-01`;
  const inSeason = [...records.values()].filter((r) => (r.year === year && r.season === season) || (continuing && r.airing && r.from !== null && r.from < start));
  return listReply(SEASON, ctx, inSeason, animeTitles, anime(ctx));
}

/** The catalog's company names, as Jikan's producer resource. */
function producer(ctx: RouteContext, id: number) {
  const name = ctx.companies.nameOf(id)!;
  const count = [...listRecords(ctx.catalog).anime.values()].filter((r) => r.companyIds.includes(id)).length;
  return {
    mal_id: id,
    url: `https://myanimelist.net/anime/producer/${id}/${slug(name)}`,
    titles: [{ type: 'Default', title: name }],
    images: { jpg: { image_url: null } },
    favorites: 0,
    established: null,
    about: null,
    count,
  };
}

interface ProducerRecord {
  malId: number;
  title: string;
  members: number;
  count: number;
}

const PRODUCER_ORDER = { mal_id: (r: ProducerRecord) => r.malId, count: (r: ProducerRecord) => r.count, favorites: () => 0, established: () => null };
const PRODUCERS: ListSpec<ProducerRecord> = {
  params: [...searchParams<ProducerRecord>(), orderByParam<ProducerRecord>('ProducerOrderByEnum', PRODUCER_ORDER), sortParam<ProducerRecord>(), ...pageParams<ProducerRecord>()],
  orderKeys: PRODUCER_ORDER,
  defaultOrder: { key: 'mal_id', descending: false },
};

/** Sub-resources of one anime or manga that the catalog cannot fill: Jikan's shape, empty. */
const EMPTY_PARTS: { part: string; kinds: ('anime' | 'manga')[]; doc: string; data: () => RouteReply }[] = [
  { part: 'characters', kinds: ['anime', 'manga'], doc: 'no characters in the catalog', data: () => single([]) },
  { part: 'staff', kinds: ['anime'], doc: 'no staff in the catalog', data: () => single([]) },
  { part: 'episodes', kinds: ['anime'], doc: 'no episode titles in the catalog', data: () => paged() },
  { part: 'news', kinds: ['anime', 'manga'], doc: 'no news', data: () => paged() },
  { part: 'forum', kinds: ['anime', 'manga'], doc: 'no forum', data: () => single([]) },
  { part: 'videos', kinds: ['anime'], doc: 'no videos', data: () => single({ promo: [], episodes: [], music_videos: [] }) },
  { part: 'videos/episodes', kinds: ['anime'], doc: 'no videos', data: () => paged() },
  { part: 'moreinfo', kinds: ['anime', 'manga'], doc: 'no extra text', data: () => single({ moreinfo: null }) },
  { part: 'recommendations', kinds: ['anime', 'manga'], doc: 'no recommendations', data: () => single([]) },
  { part: 'userupdates', kinds: ['anime', 'manga'], doc: 'no users', data: () => paged() },
  { part: 'reviews', kinds: ['anime', 'manga'], doc: 'no reviews', data: () => paged() },
  { part: 'themes', kinds: ['anime'], doc: 'no theme songs', data: () => single({ openings: [], endings: [] }) },
  { part: 'external', kinds: ['anime', 'manga'], doc: 'no external links', data: () => single([]) },
  { part: 'streaming', kinds: ['anime'], doc: 'no streaming links', data: () => single([]) },
];

/** A route under one anime or manga id; an id the catalog lacks is Jikan's 404 for it. */
function idRoute<T>(kind: 'anime' | 'manga', find: (ctx: RouteContext, id: number) => T | undefined) {
  return (path: string, answer: RouteAnswer, doc: string, build: (found: T, ctx: RouteContext) => RouteReply): JikanRoute => {
    const pattern = path.replace('{id}', '(\\d+)').replace('{episode}', '\\d+').replace(/\//g, '\\/');
    return {
      path,
      answer,
      doc,
      match: new RegExp(`^${pattern}\\/?$`),
      handle(m, ctx) {
        const found = find(ctx, Number(m[1]));
        return found ? build(found, ctx) : { cache: 'single', reply: jikanNotFound(kind, Number(m[1])) };
      },
    };
  };
}

const animeRoute = idRoute('anime', (ctx, id) => ctx.catalog.mal.get(id));
const mangaRoute = idRoute('manga', (ctx, id) => ctx.works.byMalId.get(id));

function listRoute(path: string, doc: string, list: ListSpec<never> | undefined, handle: JikanRoute['handle']): JikanRoute {
  return { path, answer: 'data', doc, list, match: new RegExp(`^${path.replace(/\{[a-z]+\}/g, '([^/]+)').replace(/\//g, '\\/')}\\/?$`), handle };
}

function emptyList(path: string, doc: string): JikanRoute {
  return { path, answer: 'empty', doc, match: new RegExp(`^${path.replace(/\//g, '\\/')}\\/?$`), handle: () => listEmpty() };
}

const listEmpty = (): RouteReply => ({
  cache: 'list',
  reply: jsonReply(200, { pagination: { last_visible_page: 1, has_next_page: false, current_page: 1, items: { count: 0, total: 0, per_page: 25 } }, data: [] }),
});

function none(root: string, doc: string): JikanRoute {
  return {
    path: `/${root}/{id}[/...]`,
    answer: 'not-found',
    doc,
    match: new RegExp(`^\\/${root}\\/([^/]+)(\\/.*)?$`),
    handle: (m) => ({ cache: 'single', reply: jikanNotFound(root, m[1]!) }),
  };
}

/** Every route the simulator answers, in match order; anything else is Jikan's route 404. */
export const JIKAN_ROUTES: JikanRoute[] = [
  listRoute('/anime', 'anime search: every parameter of Jikan\'s honoured (see below)', ANIME_SEARCH as ListSpec<never>, (_m, ctx) => {
    const { anime: records, animeTitles } = listRecords(ctx.catalog);
    return listReply(ANIME_SEARCH, ctx, records.values(), animeTitles, anime(ctx));
  }),
  animeRoute('/anime/{id}', 'data', 'the anime', (e, ctx) => single(jikanAnime(e, ctx))),
  animeRoute('/anime/{id}/full', 'data', 'the anime with relations (manga included), theme, external, streaming', (e, ctx) => single(jikanFullAnime(e, ctx))),
  animeRoute('/anime/{id}/relations', 'data', 'relation groups; the synthetic manga and novels as type "manga"', (e, ctx) => single(jikanRelations(e, ctx))),
  animeRoute('/anime/{id}/pictures', 'data', 'the generated cover', (e, ctx) => single([malImages(ctx.origin, e.mal_id, 'anime')])),
  animeRoute('/anime/{id}/statistics', 'data', 'list counts split from the derived members; no score votes', (e, ctx) => single(statistics(ctx.figures.members(e.mal_id), 'anime'))),
  animeRoute('/anime/{id}/episodes/{episode}', 'not-found', 'no episode data', (e) => ({ cache: 'single', reply: jikanNotFound('anime', e.mal_id) })),
  ...EMPTY_PARTS.filter((p) => p.kinds.includes('anime')).map((p) => animeRoute(`/anime/{id}/${p.part}`, 'empty', p.doc, () => p.data())),
  listRoute('/manga', 'manga search over the synthetic works', MANGA_SEARCH as ListSpec<never>, (_m, ctx) => {
    const { manga: records, mangaTitles } = listRecords(ctx.catalog);
    return listReply(MANGA_SEARCH, ctx, records.values(), mangaTitles, manga(ctx));
  }),
  mangaRoute('/manga/{id}', 'data', 'a synthetic source work', (w, ctx) => single(jikanManga(w, ctx))),
  mangaRoute('/manga/{id}/full', 'data', 'with its relations', (w, ctx) => single(jikanFullManga(w, ctx))),
  mangaRoute('/manga/{id}/relations', 'data', 'its anime (type "anime") and related works', (w, ctx) => single(jikanMangaRelations(w, ctx))),
  mangaRoute('/manga/{id}/pictures', 'data', 'the generated cover', (w, ctx) => single([malImages(ctx.origin, w.idMal!, 'manga')])),
  mangaRoute('/manga/{id}/statistics', 'data', 'list counts split from the derived members', (w, ctx) => single(statistics(ctx.figures.members(w.idMal!), 'manga'))),
  ...EMPTY_PARTS.filter((p) => p.kinds.includes('manga')).map((p) => mangaRoute(`/manga/{id}/${p.part}`, 'empty', p.doc, () => p.data())),
  listRoute('/top/anime', 'ranked by score; filter=airing|upcoming|bypopularity|favorite', TOP_ANIME as ListSpec<never>, (_m, ctx) => {
    const { anime: records, animeTitles } = listRecords(ctx.catalog);
    // The plain top list is the ranked entries; the filters choose their own.
    const ranked = ctx.query.get('filter') ? records.values() : [...records.values()].filter((r) => r.rank !== null);
    return listReply(TOP_ANIME, ctx, ranked, animeTitles, anime(ctx));
  }),
  listRoute('/top/manga', 'the synthetic works have no scores: only filter=bypopularity|favorite lists them', TOP_MANGA as ListSpec<never>, (_m, ctx) => {
    const { manga: records, mangaTitles } = listRecords(ctx.catalog);
    const ranked = ctx.query.get('filter') ? records.values() : [...records.values()].filter((r) => r.rank !== null);
    return listReply(TOP_MANGA, ctx, ranked, mangaTitles, manga(ctx));
  }),
  listRoute('/seasons', 'every year with its seasons, newest first', undefined, (_m, ctx) => {
    const years = new Set([...ctx.catalog.mal.values()].map((e) => e.year).filter((y): y is number => y !== null));
    return single([...years].sort((a, b) => b - a).map((year) => ({ year, seasons: SEASONS })));
  }),
  listRoute('/seasons/now', "the season of the simulator's clock", SEASON as ListSpec<never>, (_m, ctx) => {
    const now = new Date(ctx.clock.now());
    return seasonList(ctx, now.getUTCFullYear(), seasonOf(now.getUTCMonth()));
  }),
  listRoute('/seasons/upcoming', 'entries not yet aired', SEASON as ListSpec<never>, (_m, ctx) => {
    const { anime: records, animeTitles } = listRecords(ctx.catalog);
    return listReply(SEASON, ctx, [...records.values()].filter((r) => r.status === 'Not yet aired'), animeTitles, anime(ctx));
  }),
  {
    path: '/seasons/{year}/{season}',
    answer: 'data',
    doc: 'the entries of a season (winter, spring, summer, fall), most members first',
    list: SEASON as ListSpec<never>,
    match: /^\/seasons\/(\d{4})\/([a-z]+)\/?$/i,
    handle(m, ctx) {
      const season = m[2]!.toLowerCase();
      if (!SEASONS.includes(season)) return { cache: 'list', reply: jikanValidation({ season: ['The selected season is invalid.'] }) };
      return seasonList(ctx, Number(m[1]), season);
    },
  },
  listRoute('/schedules', 'what is airing, by broadcast day', SCHEDULES as ListSpec<never>, (_m, ctx) => {
    const { anime: records, animeTitles } = listRecords(ctx.catalog);
    return listReply(SCHEDULES, ctx, [...records.values()].filter((r) => r.airing), animeTitles, anime(ctx));
  }),
  listRoute('/genres/anime', "MyAnimeList's genre table, with how many catalog entries have each; filter=genres|explicit_genres|themes|demographics", undefined, (_m, ctx) => genres(ctx, 'anime')),
  listRoute('/genres/manga', 'the same table over the synthetic works', undefined, (_m, ctx) => genres(ctx, 'manga')),
  listRoute('/producers', "the catalog's studios and producers (search, order_by mal_id|count|favorites|established)", PRODUCERS as ListSpec<never>, (_m, ctx) => {
    const records: ProducerRecord[] = [];
    const counts = new Map<number, number>();
    for (const r of listRecords(ctx.catalog).anime.values()) for (const id of new Set(r.companyIds)) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (let id = 1; id <= ctx.companies.size; id++) records.push({ malId: id, title: ctx.companies.nameOf(id)!, members: counts.get(id) ?? 0, count: counts.get(id) ?? 0 });
    const answer = runList(PRODUCERS, ctx.query, records, indexTitles(records.map((r) => ({ id: r.malId, titles: [r.title] }))));
    if ('messages' in answer) return { cache: 'list', reply: jikanValidation(answer.messages) };
    return { cache: 'list', reply: jsonReply(200, { pagination: pagination(answer), data: answer.items.map((r) => producer(ctx, r.malId)) }) };
  }),
  {
    path: '/producers/{id}[/full|/external]',
    answer: 'data',
    doc: 'a studio or producer the catalog names (no images, dates or text; external is empty)',
    match: /^\/producers\/(\d+)(?:\/(full|external))?\/?$/,
    handle(m, ctx) {
      const id = Number(m[1]);
      if (!ctx.companies.nameOf(id)) return { cache: 'single', reply: jikanNotFound('anime/producer', id) };
      if (m[2] === 'external') return single([]);
      return single(m[2] === 'full' ? { ...producer(ctx, id), external: [] } : producer(ctx, id));
    },
  },
  listRoute('/random/anime', 'one catalog anime, picked by the seeded random sequence', undefined, (_m, ctx) => {
    const ids = [...ctx.catalog.mal.keys()];
    return { cache: 'list', reply: jsonReply(200, { data: jikanAnime(ctx.catalog.mal.get(ids[Math.floor(ctx.random.next() * ids.length)]!)!, ctx) }) };
  }),
  listRoute('/random/manga', 'one synthetic work, picked by the seeded random sequence', undefined, (_m, ctx) => {
    const works = [...ctx.works.byMalId.values()];
    return { cache: 'list', reply: jsonReply(200, { data: jikanManga(works[Math.floor(ctx.random.next() * works.length)]!, ctx) }) };
  }),
  ...['/characters', '/people', '/clubs', '/users', '/magazines', '/top/characters', '/top/people', '/top/reviews', '/reviews/anime', '/reviews/manga', '/recommendations/anime', '/recommendations/manga', '/watch/episodes', '/watch/episodes/popular', '/watch/promos', '/watch/promos/popular'].map((path) =>
    emptyList(path, 'the catalog has none: an empty page'),
  ),
  none('characters', 'the catalog has no characters'),
  none('people', 'the catalog has no people'),
  none('clubs', 'the catalog has no clubs'),
  none('users', 'the simulator has no users'),
];

function genres(ctx: RouteContext, kind: 'anime' | 'manga'): RouteReply {
  const groups: Record<string, GenreGroup> = { genres: 'genres', explicit_genres: 'explicit_genres', themes: 'themes', demographics: 'demographics' };
  const filter = ctx.query.get('filter');
  if (filter && !groups[filter]) return { cache: 'list', reply: jikanValidation({ filter: ['The filter field is not a valid App\\Enums\\GenreFilterEnum.'] }) };
  const records = listRecords(ctx.catalog)[kind];
  const counts = new Map<number, number>();
  for (const r of records.values()) for (const id of r.genreIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  const data = MAL_GENRES.filter((g) => !filter || g.group === filter).map((g) => ({
    mal_id: g.mal_id,
    name: g.name,
    url: `https://myanimelist.net/${kind}/genre/${g.mal_id}/${slug(g.name)}`,
    count: counts.get(g.mal_id) ?? 0,
  }));
  return single(data);
}
