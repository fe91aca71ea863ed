/**
 * The tables as Kysely sees them. JSON columns are TEXT on both dialects, so one code path
 * reads and writes them; booleans are 0/1 integers for the same reason (better-sqlite3
 * cannot bind booleans). Times are ms since epoch unless a column says otherwise.
 */
export interface AnimeTable {
  id: number;
  mal_id: number | null;
  title_romaji: string | null;
  title_english: string | null;
  title_native: string | null;
  /** JSON string[]. */
  synonyms: string;
  /** Every title and synonym through normaliseTitle, each wrapped in `|` so LIKE can tell exact from prefix. */
  search_text: string;
  format: string | null;
  status: string | null;
  start_year: number | null;
  start_month: number | null;
  start_day: number | null;
  end_year: number | null;
  end_month: number | null;
  end_day: number | null;
  season: string | null;
  season_year: number | null;
  episodes: number | null;
  duration: number | null;
  source: string | null;
  /** JSON string[]. */
  genres: string;
  /** JSON string[]. */
  tags: string;
  /** JSON string[]. */
  studios: string;
  average_score: number | null;
  popularity: number | null;
  cover_image: string | null;
  /** JSON CoverImages (every size's URL); null on rows stored before it was kept (0007_covers_cache). */
  cover_images: string | null;
  cover_color: string | null;
  banner_image: string | null;
  description: string | null;
  /** 0 or 1. */
  is_adult: number;
  /** AniList's updatedAt, unix seconds. */
  updated_at: number | null;
  fetched_at: number;
  mal_score: number | null;
  mal_rank: number | null;
  mal_members: number | null;
  mal_rating: string | null;
  mal_status: string | null;
  mal_fetched_at: number | null;
}

export interface RelationTable {
  from_id: number;
  to_id: number;
  type: string;
  source: string;
}

/** Upstream edges with an endpoint not stored yet; moved into `relation` when it arrives. */
export type PendingRelationTable = RelationTable;

export interface JobTable {
  id: string;
  kind: string;
  dedupe_key: string | null;
  status: string;
  /** JSON. */
  payload: string;
  /** JSON or null. */
  progress: string | null;
  /** JSON array. */
  failures: string;
  /** JSON or null. */
  result: string | null;
  attempts: number;
  worker_id: string | null;
  lease_until: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

/** The cover proxy's cache: one row per entry and size (0007_covers_cache). */
export interface CoverTable {
  anime_id: number;
  /** extraLarge, large or medium. */
  size: string;
  /** The upstream URL the row is about; a different stored URL means the row is out of date. */
  source_url: string;
  /** ok: body holds the image; failed (may work later) or refused (will not): error says why, retry_at says when to ask again. */
  status: string;
  content_type: string | null;
  body: Uint8Array | null;
  etag: string | null;
  error: string | null;
  fetched_at: number;
  retry_at: number | null;
}

/** What an upstream's rate gate learnt, kept across runs (see LearnedPace). */
export interface GatePaceTable {
  upstream: string;
  pace: number;
  learned: number;
  ceiling: number;
  changed_at: number;
}

/** A stored entry's place in AniList's catalog, as the sync saw it (0004_sync_catalog). */
export interface CatalogEntryTable {
  anime_id: number;
  /** The full pass that last saw it (incremental runs stamp the latest full pass's number). */
  seen_pass: number;
  /** When a full pass found AniList no longer has it, ms; null while AniList has it. */
  removed_at: number | null;
}

/** The sync's state: one row per mirror (`catalog`), its JSON state and the cross-process lease. */
export interface CatalogSyncTable {
  name: string;
  /** JSON SyncState (src/sync/sync-state.ts). */
  state: string;
  lease_owner: string | null;
  /** ms since epoch. */
  lease_until: number | null;
  updated_at: number;
}

/** One row (id 1): the data version (src/store/data-version.ts). */
export interface DataVersionTable {
  id: number;
  /** bigint: PostgreSQL returns it as text. */
  version: number | string;
}

export interface StoreSchema {
  anime: AnimeTable;
  relation: RelationTable;
  pending_relation: PendingRelationTable;
  job: JobTable;
  cover: CoverTable;
  gate_pace: GatePaceTable;
  catalog_entry: CatalogEntryTable;
  catalog_sync: CatalogSyncTable;
  data_version: DataVersionTable;
}

export type Dialect = 'sqlite' | 'postgres';
