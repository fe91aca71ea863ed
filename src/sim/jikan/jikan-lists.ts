import type { Catalog } from '../../catalog/catalog.ts';
import { companyIds } from '../company-ids.ts';
import { derivedFigures } from '../derived-figures.ts';
import { perCatalog } from '../per-catalog.ts';
import { sourceWorks } from '../source-works.ts';
import { indexTitles } from '../title-search.ts';
import { malMangaType } from './jikan-manga.ts';
import { isoDate } from './jikan-shared.ts';
import { malGenresOf } from './mal-genres.ts';
import {
  booleanParam,
  dateParam,
  enumParam,
  idsParam,
  numberParam,
  orderByParam,
  pageParams,
  searchParams,
  sortParam,
  type ListRecord,
  type ListSpec,
  type ParamEffect,
  type ParamSpec,
  type SortKey,
} from './jikan-query.ts';

/** Jikan's list records, built once per catalog: every MAL anime, and the synthetic works with a MAL id. */
export const listRecords = perCatalog((catalog: Catalog) => {
  const figures = derivedFigures(catalog);
  const ids = companyIds(catalog);
  const genres = (names: string[]) => {
    const found = malGenresOf(names);
    return {
      genreIds: found.map((g) => g.mal_id),
      demographicIds: found.filter((g) => g.group === 'demographics').map((g) => g.mal_id),
      explicitIds: found.filter((g) => g.group === 'explicit_genres').map((g) => g.mal_id),
    };
  };
  const anime = new Map<number, ListRecord>();
  for (const e of catalog.mal.values()) {
    anime.set(e.mal_id, {
      malId: e.mal_id,
      title: e.title ?? `#${e.mal_id}`,
      type: e.type,
      status: e.status,
      rating: e.rating,
      score: e.score,
      scoredBy: figures.scoredBy(e.mal_id),
      rank: figures.rank(e.mal_id),
      popularity: figures.popularity(e.mal_id),
      members: figures.members(e.mal_id),
      favorites: figures.favorites(e.mal_id),
      episodes: e.episodes,
      chapters: null,
      volumes: null,
      from: isoDate(e.aired.from),
      to: isoDate(e.aired.to),
      airing: e.airing ?? false,
      season: e.season,
      year: e.year,
      broadcastDay: e.broadcast?.day ?? null,
      ...genres(e.genres),
      companyIds: [...e.producers, ...e.studios].map((name) => ids.idOf(name)),
    });
  }
  const manga = new Map<number, ListRecord>();
  for (const work of sourceWorks(catalog).byMalId.values()) {
    const id = work.idMal!;
    manga.set(id, {
      malId: id,
      title: work.title.romaji ?? `#${id}`,
      type: malMangaType(work),
      status: work.status === 'RELEASING' ? 'Publishing' : 'Finished',
      rating: null,
      score: null,
      scoredBy: null,
      rank: null,
      popularity: null,
      members: figures.members(id),
      favorites: figures.favorites(id),
      episodes: null,
      chapters: null,
      volumes: null,
      from: null,
      to: null,
      airing: false,
      season: null,
      year: null,
      broadcastDay: null,
      ...genres(work.genres),
      companyIds: [],
    });
  }
  const mangaTitles = indexTitles([...sourceWorks(catalog).byMalId.values()].map((w) => ({ id: w.idMal!, titles: [w.title.romaji, w.title.english, w.title.native] })));
  return { anime, manga, animeTitles: figures.malTitles, mangaTitles };
});

const labels = (map: Record<string, string>, field: (r: ListRecord) => string | null): Record<string, ParamEffect> =>
  Object.fromEntries(Object.entries(map).map(([value, label]) => [value, { filter: (r: ListRecord) => field(r) === label }]));

const ANIME_TYPES = { tv: 'TV', movie: 'Movie', ova: 'OVA', special: 'Special', ona: 'ONA', music: 'Music', cm: 'CM', pv: 'PV', tv_special: 'TV Special' };
const RATINGS = { g: 'G - All Ages', pg: 'PG - Children', pg13: 'PG-13 - Teens 13 or older', r17: 'R - 17+ (violence & profanity)', r: 'R+ - Mild Nudity', rx: 'Rx - Hentai' };
const HENTAI = 12;
const EROTICA = 49;
const KIDS = 15;

const hasAll = (have: number[], want: number[]) => want.every((id) => have.includes(id));

/** Jikan's sfw: no Rx rating, nothing hentai or erotica. */
const sfw = booleanParam('sfw', 'flag: leave out adult entries (Rx rating, Hentai or Erotica)', (on) =>
  on ? { filter: (r) => r.rating !== RATINGS.rx && !r.explicitIds.includes(HENTAI) && !r.explicitIds.includes(EROTICA) } : {},
);
const kids = booleanParam('kids', 'flag: true keeps only the Kids demographic, false leaves it out', (on) => ({
  filter: (r) => r.demographicIds.includes(KIDS) === on,
}));
// Every catalog entry is approved, so both values answer the same.
const unapproved = booleanParam('unapproved', 'flag: also entries MAL has not approved (every catalog entry is approved)', () => ({}));

const scoreParams: ParamSpec[] = [
  numberParam('score', 'exact score', 1, 9.99, (v) => ({ filter: (r) => r.score === v }), ['min_score', 'max_score']),
  // Jikan treats the widest bounds as no bound at all (jikan-rest#309), so unscored entries stay in.
  numberParam('min_score', 'score at least this, 0-10', 0, 10, (v) => (v === 0 ? {} : { filter: (r) => r.score !== null && r.score >= v })),
  numberParam('max_score', 'score at most this, 1-10', 1, 10, (v) => (v === 10 ? {} : { filter: (r) => r.score !== null && r.score <= v })),
];

const genreParams: ParamSpec[] = [
  idsParam('genres', "MAL genre ids, comma-separated: entries with every one (genres, themes, demographics or explicit genres)", (ids) => ({ filter: (r) => hasAll(r.genreIds, ids) })),
  idsParam('genres_exclude', 'MAL genre ids, comma-separated: entries with none of them', (ids) => ({ filter: (r) => !ids.some((id) => r.genreIds.includes(id)) })),
];

const dateParams: ParamSpec[] = [
  dateParam('start_date', 'aired/published from on or after (Y-m-d, Y-m or Y)', (iso) => ({ filter: (r) => r.from !== null && r.from >= iso }), 'end_date'),
  dateParam('end_date', 'aired/published to on or before (Y-m-d, Y-m or Y)', (iso) => ({ filter: (r) => r.to !== null && r.to <= iso })),
];

const common: SortKey = (r) => r.malId;
const MEDIA_ORDER: Record<string, SortKey> = {
  mal_id: common,
  title: (r) => r.title.toLowerCase(),
  start_date: (r) => r.from,
  end_date: (r) => r.to,
  score: (r) => r.score,
  scored_by: (r) => r.scoredBy,
  rank: (r) => r.rank,
  popularity: (r) => r.popularity,
  members: (r) => r.members,
  favorites: (r) => r.favorites,
  // Not in jikan-rest's enum, but clients send it (jikan-ts offers it): ordering by status is cheap to honour.
  status: (r) => r.status,
};
const ANIME_ORDER: Record<string, SortKey> = { ...MEDIA_ORDER, type: (r) => r.type, rating: (r) => r.rating, episodes: (r) => r.episodes };
const MANGA_ORDER: Record<string, SortKey> = { ...MEDIA_ORDER, chapters: (r) => r.chapters, volumes: (r) => r.volumes };
const BY_MEMBERS = { key: 'members', descending: true };

/** GET /anime: every parameter of Jikan's anime search. */
export const ANIME_SEARCH: ListSpec = {
  params: [
    ...searchParams(),
    enumParam('type', 'anime type', 'AnimeTypeEnum', labels(ANIME_TYPES, (r) => r.type)),
    ...scoreParams,
    enumParam('status', 'airing status', 'AnimeStatusEnum', labels({ airing: 'Currently Airing', complete: 'Finished Airing', upcoming: 'Not yet aired' }, (r) => r.status)),
    enumParam('rating', 'audience rating', 'AnimeRatingEnum', labels(RATINGS, (r) => r.rating)),
    sfw,
    ...genreParams,
    orderByParam('AnimeOrderByEnum', ANIME_ORDER),
    sortParam(),
    idsParam('producers', 'producer, studio or licensor ids, comma-separated: entries with every one', (ids) => ({ filter: (r) => hasAll(r.companyIds, ids) })),
    idsParam('producer', 'one producer, studio or licensor id', (ids) => ({ filter: (r) => hasAll(r.companyIds, ids.slice(0, 1)) })),
    ...dateParams,
    ...pageParams(),
    unapproved,
    kids,
  ],
  orderKeys: ANIME_ORDER,
  defaultOrder: { key: 'mal_id', descending: false },
};

/** GET /manga: Jikan's manga search over the synthetic works. */
export const MANGA_SEARCH: ListSpec = {
  params: [
    ...searchParams(),
    enumParam(
      'type',
      'manga type',
      'MangaTypeEnum',
      labels({ manga: 'Manga', novel: 'Novel', lightnovel: 'Light Novel', oneshot: 'One-shot', doujin: 'Doujinshi', manhwa: 'Manhwa', manhua: 'Manhua' }, (r) => r.type),
    ),
    ...scoreParams,
    enumParam(
      'status',
      'publishing status',
      'MangaStatusEnum',
      labels({ publishing: 'Publishing', complete: 'Finished', hiatus: 'On Hiatus', discontinued: 'Discontinued', upcoming: 'Not yet published' }, (r) => r.status),
    ),
    sfw,
    ...genreParams,
    orderByParam('MangaOrderByEnum', MANGA_ORDER),
    sortParam(),
    // The catalog knows no magazines, so a magazine filter matches nothing.
    idsParam('magazines', 'magazine ids, comma-separated (the synthetic works name none, so nothing matches)', (ids) => ({ filter: (r) => hasAll(r.companyIds, ids) })),
    ...dateParams,
    ...pageParams(),
    unapproved,
  ],
  orderKeys: MANGA_ORDER,
  defaultOrder: { key: 'mal_id', descending: false },
};

/** GET /top/anime: by rank unless `filter` says otherwise. */
export const TOP_ANIME: ListSpec = {
  params: [
    enumParam('type', 'anime type', 'AnimeTypeEnum', labels(ANIME_TYPES, (r) => r.type)),
    enumParam('filter', 'which top list', 'TopAnimeFilterEnum', {
      airing: { filter: (r) => r.airing && r.rank !== null, orderBy: 'rank' },
      upcoming: { filter: (r) => r.status === 'Not yet aired', orderBy: 'members', descending: true },
      bypopularity: { orderBy: 'popularity' },
      favorite: { orderBy: 'favorites', descending: true },
    }),
    enumParam('rating', 'audience rating', 'AnimeRatingEnum', labels(RATINGS, (r) => r.rating)),
    sfw,
    ...pageParams(),
  ],
  orderKeys: ANIME_ORDER,
  defaultOrder: { key: 'rank', descending: false },
};

/** GET /top/manga over the synthetic works (none has a rank, so the default list is empty). */
export const TOP_MANGA: ListSpec = {
  params: [
    enumParam('type', 'manga type', 'MangaTypeEnum', labels({ manga: 'Manga', novel: 'Novel', lightnovel: 'Light Novel', manhwa: 'Manhwa', manhua: 'Manhua' }, (r) => r.type)),
    enumParam('filter', 'which top list', 'TopMangaFilterEnum', {
      publishing: { filter: (r) => r.status === 'Publishing' && r.rank !== null, orderBy: 'rank' },
      upcoming: { filter: (r) => r.status === 'Not yet published', orderBy: 'members', descending: true },
      bypopularity: { orderBy: 'members', descending: true },
      favorite: { orderBy: 'favorites', descending: true },
    }),
    ...pageParams(),
  ],
  orderKeys: MANGA_ORDER,
  defaultOrder: { key: 'rank', descending: false },
};

/** GET /seasons/{year}/{season}, /seasons/now, /seasons/upcoming: by members, most first. */
export const SEASON: ListSpec = {
  params: [
    enumParam('filter', 'anime type', 'AnimeSeasonFilterEnum', labels(ANIME_TYPES, (r) => r.type)),
    sfw,
    unapproved,
    // Read by the route itself: it widens the entries to those still airing from earlier seasons.
    booleanParam('continuing', 'flag: also entries still airing from earlier seasons', () => ({})),
    kids,
    ...pageParams(),
  ],
  orderKeys: ANIME_ORDER,
  defaultOrder: BY_MEMBERS,
};

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** GET /schedules: what airs now, by broadcast day. */
export const SCHEDULES: ListSpec = {
  params: [
    enumParam('filter', 'broadcast day', 'AnimeScheduleFilterEnum', {
      ...Object.fromEntries(DAYS.map((day) => [day, { filter: (r: ListRecord) => r.broadcastDay?.toLowerCase() === `${day}s` }])),
      unknown: { filter: (r) => r.broadcastDay === null },
      other: { filter: (r) => r.broadcastDay !== null && !DAYS.some((day) => r.broadcastDay!.toLowerCase() === `${day}s`) },
    }),
    kids,
    sfw,
    unapproved,
    ...pageParams(),
  ],
  orderKeys: ANIME_ORDER,
  defaultOrder: BY_MEMBERS,
};
