import { CompiledQuery, sql } from 'kysely';
import type { Anime, FuzzyDate, MalInfo, MalStatus, StoredAnime, Titles } from '../domain/anime.ts';
import { isMalStale, isStale } from '../domain/freshness.ts';
import { normaliseTitle } from '../domain/title.ts';
import { animeProblem, animeToRow, malToRow, rowToAnime, type AnimeColumns } from './anime-row.ts';
import { fromJsonText } from './text-column.ts';
import { animeUpsertStatement } from './anime-upsert-statement.ts';
import { chunk, IDS_PER_QUERY, ROWS_PER_INSERT } from './chunk.ts';
import type { AnimeTable } from './schema.ts';
import { lockWrites, withTransaction, type StoreContext } from './store-context.ts';

export interface AnimeUpsertResult {
  /** Rows inserted or changed. */
  written: number;
  /** Entries already stored exactly so (or stored from a newer fetch), left untouched. */
  unchanged: number;
  /** Entries refused, each with why; the rest of the batch is stored. */
  dropped: { id: unknown; reason: string }[];
  /** MAL ids that moved to another entry; the entry that had it loses the link and its MAL data. */
  malIdMoved: { malId: number; from: number; to: number }[];
}

/**
 * What a franchise view shows of an entry, plus what its freshness and its recommended watch
 * order need (popularity, episode length, genres and tags). Reading only these columns skips
 * the JSON lists a view never reads (synonyms, studios).
 */
export interface AnimeSummary {
  id: number;
  idMal: number | null;
  title: Titles;
  format: string | null;
  status: string | null;
  startDate: FuzzyDate;
  season: string | null;
  seasonYear: number | null;
  episodes: number | null;
  averageScore: number | null;
  popularity: number | null;
  /** Minutes per episode. */
  duration: number | null;
  genres: string[];
  tags: string[];
  coverImage: string | null;
  coverColor: string | null;
  description: string | null;
  fetchedAt: number;
  /** Null exactly when StoredAnime.mal is. */
  mal: Pick<MalInfo, 'score' | 'status'> | null;
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

export interface AnimeRepository {
  upsertMany(list: readonly Anime[]): Promise<AnimeUpsertResult>;
  get(id: number): Promise<StoredAnime | undefined>;
  /** Stored entries among `ids`, in the order asked; unknown ids are left out. */
  getMany(ids: readonly number[]): Promise<StoredAnime[]>;
  /** getMany narrowed to what a franchise view shows (see AnimeSummary), in the order asked. */
  getSummaries(ids: readonly number[]): Promise<AnimeSummary[]>;
  findByMalId(malId: number): Promise<StoredAnime | undefined>;
  /**
   * Entries whose romaji, English, native title or a synonym matches `query`, ignoring
   * case, diacritics and punctuation; exact titles first, then title prefixes, then titles
   * containing it; ties by popularity, then id. `limit` is clamped to 0..SEARCH_LIMIT_MAX.
   */
  search(query: string, limit: number): Promise<StoredAnime[]>;
  /** Stores what Jikan said about an entry; false when the entry is not stored. */
  setMal(id: number, info: MalInfo): Promise<boolean>;
  /** Ids among `ids` that need fetching from AniList: not stored, or stale at `now` (ms) by freshness TTL. */
  staleIds(ids: readonly number[], now: number): Promise<number[]>;
  /** Ids among `ids` with a MAL id whose MAL data is absent, failed or stale at `now` (ms). */
  malStaleIds(ids: readonly number[], now: number): Promise<number[]>;
  count(): Promise<number>;
}

/** Most search results one call returns. */
export const SEARCH_LIMIT_MAX = 1000;

const MAL_CLEARED = { mal_id: null, mal_score: null, mal_rank: null, mal_members: null, mal_rating: null, mal_status: null, mal_fetched_at: null };

export function createAnimeRepository(ctx: StoreContext): AnimeRepository {
  const { db } = ctx;

  /** Removes in-batch duplicates and invalid entries; a later entry for the same id wins. */
  function screen(list: readonly Anime[]) {
    const dropped: AnimeUpsertResult['dropped'] = [];
    const byId = new Map<number, AnimeColumns>();
    for (const anime of list) {
      const problem = animeProblem(anime);
      if (problem) {
        dropped.push({ id: anime?.id, reason: problem });
        continue;
      }
      if (byId.delete(anime.id)) dropped.push({ id: anime.id, reason: 'duplicate id in the same call; the later entry is kept' });
      byId.set(anime.id, animeToRow(anime));
    }
    return { rows: [...byId.values()], dropped };
  }

  /**
   * A MAL id belongs to one entry. AniList does move MAL links between entries (merges,
   * corrections), so the newest claim wins: earlier claimants in the batch and stored
   * entries holding the id lose it, and their MAL data with it.
   */
  async function settleMalClaims(c: StoreContext, rows: AnimeColumns[]): Promise<AnimeUpsertResult['malIdMoved']> {
    const moved: AnimeUpsertResult['malIdMoved'] = [];
    const claimant = new Map<number, AnimeColumns>();
    for (const row of rows) {
      if (row.mal_id === null) continue;
      const earlier = claimant.get(row.mal_id);
      if (earlier) {
        moved.push({ malId: row.mal_id, from: earlier.id, to: row.id });
        earlier.mal_id = null;
      }
      claimant.set(row.mal_id, row);
    }
    const losers: number[] = [];
    for (const part of chunk([...claimant.keys()], IDS_PER_QUERY)) {
      const holders = await c.db.selectFrom('anime').select(['id', 'mal_id']).where('mal_id', 'in', part).execute();
      for (const holder of holders) {
        const winner = claimant.get(holder.mal_id!)!;
        if (winner.id === holder.id) continue;
        losers.push(holder.id);
        if (!moved.some((m) => m.from === holder.id && m.malId === holder.mal_id)) {
          moved.push({ malId: holder.mal_id!, from: holder.id, to: winner.id });
        }
      }
    }
    for (const part of chunk(losers, IDS_PER_QUERY)) {
      await c.db.updateTable('anime').set(MAL_CLEARED).where('id', 'in', part).execute();
    }
    for (const m of moved) c.logger.warn(m, 'MAL id moved to another entry');
    return moved;
  }

  async function upsertRows(c: StoreContext, rows: AnimeColumns[]): Promise<number> {
    let written = 0;
    for (const part of chunk(rows, ROWS_PER_INSERT)) {
      const { sql: text, parameters } = animeUpsertStatement(c.dialect, part);
      const result = await c.db.executeQuery(CompiledQuery.raw(text, parameters));
      written += Number(result.numAffectedRows ?? 0);
    }
    return written;
  }

  async function selectIn<T>(ids: readonly number[], query: (part: number[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (const part of chunk([...new Set(ids)], IDS_PER_QUERY)) out.push(...(await query(part)));
    return out;
  }

  return {
    upsertMany(list) {
      const { rows, dropped } = screen(list);
      for (const d of dropped) ctx.logger.warn(d, 'anime dropped');
      if (rows.length === 0) return Promise.resolve({ written: 0, unchanged: 0, dropped, malIdMoved: [] });
      return withTransaction(ctx, async (c) => {
        await lockWrites(c);
        const malIdMoved = await settleMalClaims(c, rows);
        const written = await upsertRows(c, rows);
        return { written, unchanged: rows.length - written, dropped, malIdMoved };
      });
    },

    async get(id) {
      const row = await db.selectFrom('anime').selectAll().where('id', '=', id).executeTakeFirst();
      return row && rowToAnime(row);
    },

    async getMany(ids) {
      const rows = await selectIn(ids, (part) => db.selectFrom('anime').selectAll().where('id', 'in', part).execute());
      const byId = new Map(rows.map((row) => [row.id, rowToAnime(row)]));
      return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
    },

    async getSummaries(ids) {
      const rows = await selectIn(ids, (part) => db.selectFrom('anime').select(SUMMARY_COLUMNS).where('id', 'in', part).execute());
      const byId = new Map(rows.map((row) => [row.id, rowToSummary(row)]));
      return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
    },

    async findByMalId(malId) {
      const row = await db.selectFrom('anime').selectAll().where('mal_id', '=', malId).executeTakeFirst();
      return row && rowToAnime(row);
    },

    async search(query, limit) {
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
    },

    async setMal(id, info) {
      const result = await db.updateTable('anime').set(malToRow(info)).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async staleIds(ids, now) {
      const rows = await selectIn(ids, (part) =>
        db.selectFrom('anime').select(['id', 'status', 'fetched_at']).where('id', 'in', part).execute(),
      );
      const fresh = new Set(rows.filter((r) => !isStale(r.status, r.fetched_at, now)).map((r) => r.id));
      return [...new Set(ids)].filter((id) => !fresh.has(id));
    },

    async malStaleIds(ids, now) {
      const rows = await selectIn(ids, (part) =>
        db
          .selectFrom('anime')
          .select(['id', 'status', 'mal_status', 'mal_fetched_at'])
          .where('id', 'in', part)
          .where('mal_id', 'is not', null)
          .execute(),
      );
      const stale = new Set(
        rows
          .filter((r) => {
            const mal = r.mal_status === null || r.mal_fetched_at === null ? null : { status: r.mal_status as MalInfo['status'], fetchedAt: r.mal_fetched_at };
            return isMalStale(r.status, mal, now);
          })
          .map((r) => r.id),
      );
      return [...new Set(ids)].filter((id) => stale.has(id));
    },

    async count() {
      const row = await db.selectFrom('anime').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
