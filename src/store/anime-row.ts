import { COVER_SIZES, type Anime, type CoverImages, type MalInfo, type MalStatus, type StoredAnime } from '../domain/anime.ts';
import { inertMarkup } from '../domain/sanitise-description.ts';
import { normaliseTitle } from '../domain/title.ts';
import type { AnimeTable } from './schema.ts';
import { cleanNullableText, cleanText, fromJsonText, toJsonText } from './text-column.ts';

/** Columns written from AniList data; the mal_* columns belong to setMal and are never touched by an upsert. */
export type AnimeColumns = Omit<AnimeTable, 'mal_score' | 'mal_rank' | 'mal_members' | 'mal_rating' | 'mal_status' | 'mal_fetched_at'>;

export const ANIME_COLUMNS = [
  'id', 'mal_id', 'title_romaji', 'title_english', 'title_native', 'synonyms', 'search_text', 'format', 'status',
  'start_year', 'start_month', 'start_day', 'end_year', 'end_month', 'end_day', 'season', 'season_year', 'episodes',
  'duration', 'source', 'genres', 'tags', 'studios', 'average_score', 'popularity', 'cover_image', 'cover_images', 'cover_color',
  'banner_image', 'description', 'is_adult', 'updated_at', 'fetched_at',
] as const satisfies readonly (keyof AnimeColumns)[];

/**
 * The search column: each normalised title between `|` separators, so `|q|` is an exact
 * title, `|q` a title prefix and `q` anywhere a contained match (normaliseTitle never
 * emits `|`, `%` or `_`, so the LIKE patterns need no escaping).
 */
export function searchText(anime: Pick<Anime, 'title' | 'synonyms'>): string {
  const titles = [anime.title.romaji, anime.title.english, anime.title.native, ...anime.synonyms];
  const keys = [...new Set(titles.filter((t): t is string => !!t).map(normaliseTitle).filter(Boolean))];
  return keys.length ? `|${keys.join('|')}|` : '';
}

export function animeToRow(anime: Anime): AnimeColumns {
  return {
    id: anime.id,
    mal_id: anime.idMal,
    title_romaji: cleanNullableText(anime.title.romaji),
    title_english: cleanNullableText(anime.title.english),
    title_native: cleanNullableText(anime.title.native),
    synonyms: toJsonText(anime.synonyms),
    search_text: searchText(anime),
    format: cleanNullableText(anime.format),
    status: cleanNullableText(anime.status),
    start_year: anime.startDate.year,
    start_month: anime.startDate.month,
    start_day: anime.startDate.day,
    end_year: anime.endDate.year,
    end_month: anime.endDate.month,
    end_day: anime.endDate.day,
    season: cleanNullableText(anime.season),
    season_year: anime.seasonYear,
    episodes: anime.episodes,
    duration: anime.duration,
    source: cleanNullableText(anime.source),
    genres: toJsonText(anime.genres),
    tags: toJsonText(anime.tags),
    studios: toJsonText(anime.studios),
    average_score: anime.averageScore,
    popularity: anime.popularity,
    cover_image: cleanNullableText(anime.coverImage),
    cover_images: toJsonText(cleanCoverImages(anime.coverImages)),
    cover_color: cleanNullableText(anime.coverColor),
    banner_image: cleanNullableText(anime.bannerImage),
    // Removing NUL can join `<` to a tag name: the markup guard runs after it, whoever wrote the text.
    description: anime.description === null ? null : inertMarkup(cleanText(anime.description)),
    is_adult: anime.isAdult ? 1 : 0,
    updated_at: anime.updatedAt,
    fetched_at: anime.fetchedAt,
  };
}

function cleanCoverImages(images: CoverImages): CoverImages {
  return { extraLarge: cleanNullableText(images.extraLarge), large: cleanNullableText(images.large), medium: cleanNullableText(images.medium) };
}

export function malToRow(info: MalInfo): Pick<AnimeTable, 'mal_score' | 'mal_rank' | 'mal_members' | 'mal_rating' | 'mal_status' | 'mal_fetched_at'> {
  return {
    mal_score: info.score,
    mal_rank: info.rank,
    mal_members: info.members,
    mal_rating: info.rating === null ? null : cleanText(info.rating),
    mal_status: info.status,
    mal_fetched_at: info.fetchedAt,
  };
}

export function rowToAnime(row: AnimeTable): StoredAnime {
  return {
    id: row.id,
    idMal: row.mal_id,
    title: { romaji: row.title_romaji, english: row.title_english, native: row.title_native },
    synonyms: fromJsonText<string[]>(row.synonyms) ?? [],
    format: row.format,
    status: row.status,
    startDate: { year: row.start_year, month: row.start_month, day: row.start_day },
    endDate: { year: row.end_year, month: row.end_month, day: row.end_day },
    season: row.season,
    seasonYear: row.season_year,
    episodes: row.episodes,
    duration: row.duration,
    source: row.source,
    genres: fromJsonText<string[]>(row.genres) ?? [],
    tags: fromJsonText<string[]>(row.tags) ?? [],
    studios: fromJsonText<string[]>(row.studios) ?? [],
    averageScore: row.average_score,
    popularity: row.popularity,
    coverImage: row.cover_image,
    coverImages: fromJsonText<CoverImages>(row.cover_images) ?? { extraLarge: row.cover_image, large: null, medium: null },
    coverColor: row.cover_color,
    bannerImage: row.banner_image,
    // Rows written before the guard existed are made inert on the way out.
    description: row.description === null ? null : inertMarkup(row.description),
    isAdult: row.is_adult === 1,
    updatedAt: row.updated_at,
    fetchedAt: row.fetched_at,
    mal:
      row.mal_status === null || row.mal_fetched_at === null
        ? null
        : {
            score: row.mal_score,
            rank: row.mal_rank,
            members: row.mal_members,
            rating: row.mal_rating,
            status: row.mal_status as MalStatus,
            fetchedAt: row.mal_fetched_at,
          },
  };
}

// PostgreSQL stores these as 32-bit integers; bigger values are refused here, with a reason,
// instead of failing the whole batch's statement.
const INT32_FIELDS = ['seasonYear', 'episodes', 'duration'] as const;
const INT64_FIELDS = ['popularity', 'updatedAt'] as const;
const DATE_PARTS = ['year', 'month', 'day'] as const;
const TEXT_FIELDS = ['format', 'status', 'season', 'source', 'coverImage', 'coverColor', 'bannerImage', 'description'] as const;
const TITLE_FIELDS = ['romaji', 'english', 'native'] as const;
const LIST_FIELDS = ['synonyms', 'genres', 'tags', 'studios'] as const;
const INT32_MAX = 2 ** 31 - 1;

// Module-level helpers, not closures: this runs for every stored entry, and closures made
// per call (named by tsx at runtime) cost more than the checks themselves.
function isInt32OrNull(value: unknown): boolean {
  return value === null || (Number.isSafeInteger(value) && Math.abs(value as number) <= INT32_MAX);
}

function isTextOrNull(value: unknown): boolean {
  return value === null || typeof value === 'string';
}

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Why an entry cannot be stored as given, or undefined when it can. Checked before any SQL so one bad entry never fails its batch. */
export function animeProblem(anime: Anime): string | undefined {
  if (!anime || !isId(anime.id)) return `id ${String(anime?.id)} is not a positive safe integer`;
  if (anime.idMal !== null && !isId(anime.idMal)) return `idMal ${String(anime.idMal)} is not a positive safe integer`;
  if (!Number.isSafeInteger(anime.fetchedAt)) return `fetchedAt ${String(anime.fetchedAt)} is not a time in ms`;
  for (const field of INT32_FIELDS) {
    if (!isInt32OrNull(anime[field])) return `${field} ${String(anime[field])} is not a 32-bit integer or null`;
  }
  for (const field of INT64_FIELDS) {
    const value = anime[field];
    if (value !== null && !Number.isSafeInteger(value)) return `${field} ${String(value)} is not an integer or null`;
  }
  for (const name of ['startDate', 'endDate'] as const) {
    const date = anime[name];
    if (!date) return `${name} is missing`;
    for (const part of DATE_PARTS) {
      if (!isInt32OrNull(date[part])) return `${name}.${part} ${String(date[part])} is not a 32-bit integer or null`;
    }
  }
  if (!anime.title) return 'title is missing';
  for (const field of TITLE_FIELDS) if (!isTextOrNull(anime.title[field])) return `title.${field} is not text or null`;
  for (const field of TEXT_FIELDS) if (!isTextOrNull(anime[field])) return `${field} is not text or null`;
  if (!anime.coverImages) return 'coverImages is missing';
  for (const size of COVER_SIZES) if (!isTextOrNull(anime.coverImages[size])) return `coverImages.${size} is not text or null`;
  if (typeof anime.isAdult !== 'boolean') return 'isAdult is not a boolean';
  if (anime.averageScore !== null && !Number.isFinite(anime.averageScore)) return `averageScore ${String(anime.averageScore)} is not a number`;
  for (const field of LIST_FIELDS) if (!isStringList(anime[field])) return `${field} is not a list of strings`;
  return undefined;
}

export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
