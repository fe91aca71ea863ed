import { sql } from 'kysely';
import type { MalStatus, StoredAnime } from '../../domain/anime.ts';
import { normaliseTitle } from '../../domain/title.ts';
import type { AnimeSummary } from '../anime-repository.ts';
import { rowToAnime } from '../anime-row.ts';
import { selectIn } from '../chunk.ts';
import type { AnimeTable } from '../schema.ts';
import type { StoreContext } from '../store-context.ts';
import { fromJsonText } from '../text-column.ts';

/** Most search results one call returns. */
export const SEARCH_LIMIT_MAX = 1000;

export async function getAnime({ db }: StoreContext, id: number): Promise<StoredAnime | undefined> {
  const row = await db.selectFrom('anime').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToAnime(row);
}

export async function getManyAnime({ db }: StoreContext, ids: readonly number[]): Promise<StoredAnime[]> {
  const rows = await selectIn(ids, (part) => db.selectFrom('anime').selectAll().where('id', 'in', part).execute());
  const byId = new Map(rows.map((row) => [row.id, rowToAnime(row)]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}

export async function getAnimeSummaries({ db }: StoreContext, ids: readonly number[]): Promise<AnimeSummary[]> {
  const rows = await selectIn(ids, (part) => db.selectFrom('anime').select(SUMMARY_COLUMNS).where('id', 'in', part).execute());
  const byId = new Map(rows.map((row) => [row.id, rowToSummary(row)]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}

export async function findAnimeByMalId({ db }: StoreContext, malId: number): Promise<StoredAnime | undefined> {
  const row = await db.selectFrom('anime').selectAll().where('mal_id', '=', malId).executeTakeFirst();
  return row && rowToAnime(row);
}

export async function searchAnime({ db }: StoreContext, query: string, limit: number): Promise<StoredAnime[]> {
  const q = normaliseTitle(query);
  const n = Math.min(Math.max(Math.floor(limit) || 0, 0), SEARCH_LIMIT_MAX);
  if (!q || n === 0) return [];
  const rank = sql<number>`case when search_text like ${`%|${q}|%`} then 0 when search_text like ${`%|${q}%`} then 1 else 2 end`;
  const rows = await db
    .selectFrom('anime')
    .selectAll()
    .where('search_text', 'like', `%${q}%`)
    .orderBy(rank)
    .orderBy('popularity', (ob) => ob.desc().nullsLast())
    .orderBy('id')
    .limit(n)
    .execute();
  return rows.map(rowToAnime);
}

export async function countAnime({ db }: StoreContext): Promise<number> {
  const row = await db.selectFrom('anime').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

const SUMMARY_COLUMNS = [
  'id', 'mal_id', 'title_romaji', 'title_english', 'title_native', 'format', 'status', 'start_year', 'start_month',
  'start_day', 'season', 'season_year', 'episodes', 'average_score', 'popularity', 'duration', 'genres', 'tags', 'cover_image', 'cover_color', 'description',
  'fetched_at', 'mal_score', 'mal_status', 'mal_fetched_at',
] as const;

function rowToSummary(row: Pick<AnimeTable, (typeof SUMMARY_COLUMNS)[number]>): AnimeSummary {
  return {
    id: row.id,
    idMal: row.mal_id,
    title: { romaji: row.title_romaji, english: row.title_english, native: row.title_native },
    format: row.format,
    status: row.status,
    startDate: { year: row.start_year, month: row.start_month, day: row.start_day },
    season: row.season,
    seasonYear: row.season_year,
    episodes: row.episodes,
    averageScore: row.average_score,
    popularity: row.popularity,
    duration: row.duration,
    genres: fromJsonText<string[]>(row.genres) ?? [],
    tags: fromJsonText<string[]>(row.tags) ?? [],
    coverImage: row.cover_image,
    coverColor: row.cover_color,
    description: row.description,
    fetchedAt: row.fetched_at,
    mal: row.mal_status === null || row.mal_fetched_at === null ? null : { score: row.mal_score, status: row.mal_status as MalStatus },
  };
}
