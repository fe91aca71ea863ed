import type { Anime, FuzzyDate, MalInfo, StoredAnime, Titles } from '../domain/anime.ts';
import { malStaleAnimeIds, staleAnimeIds } from './queries/anime-freshness-queries.ts';
import { countAnime, findAnimeByMalId, getAnime, getAnimeSummaries, getManyAnime, searchAnime } from './queries/anime-read-queries.ts';
import { setAnimeMal, upsertAnime } from './queries/anime-write-queries.ts';
import type { StoreContext } from './store-context.ts';

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

export { SEARCH_LIMIT_MAX } from './queries/anime-read-queries.ts';

/** Each method is one named query in ./queries/, run on this context's handle. */
export function createAnimeRepository(ctx: StoreContext): AnimeRepository {
  return {
    upsertMany: (list) => upsertAnime(ctx, list),
    get: (id) => getAnime(ctx, id),
    getMany: (ids) => getManyAnime(ctx, ids),
    getSummaries: (ids) => getAnimeSummaries(ctx, ids),
    findByMalId: (malId) => findAnimeByMalId(ctx, malId),
    search: (query, limit) => searchAnime(ctx, query, limit),
    setMal: (id, info) => setAnimeMal(ctx, id, info),
    staleIds: (ids, now) => staleAnimeIds(ctx, ids, now),
    malStaleIds: (ids, now) => malStaleAnimeIds(ctx, ids, now),
    count: () => countAnime(ctx),
  };
}
