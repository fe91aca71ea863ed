import type { RecommendedEntry } from '../domain/recommended-order.ts';
import type { RelationSource, RelationType } from '../domain/relation-type.ts';
import type { AnimeSummary } from '../store/anime-repository.ts';

/**
 * The franchise as every interface shows it: `discover --json`, `GET /api/anime/{id}/franchise`
 * and the web page all use this one shape.
 */
export interface FranchiseView {
  franchise: {
    /** The root entry's AniList id (the entry asked for). */
    id: number;
    title: string;
    size: number;
    truncated: boolean;
    /** True when some member is past its freshness TTL (a refresh may be running). */
    stale: boolean;
  };
  members: FranchiseMember[];
  relations: { from: number; to: number; type: RelationType; source: RelationSource }[];
  watchOrder: WatchOrders;
  stats: FranchiseStats;
}

/** Every member in three orders (each holds every member once). */
export interface WatchOrders {
  /**
   * The order a careful watch guide gives (src/domain/recommended-order.ts), each member with
   * its role (main, side, optional, extra, alternative) and a one-line reason: what the CLI
   * table, the API and the page show first.
   */
  recommended: RecommendedEntry[];
  /** Member ids by first release: start date, then format, then id. */
  release: number[];
  /** Member ids in chronological (in-story) order from AniList's relations: prequels first, side stories right after their parents. */
  story: number[];
}

/** A member as the store summarises it, with its display title and its distance from the root. */
export interface FranchiseMember
  extends Pick<AnimeSummary, 'id' | 'idMal' | 'format' | 'status' | 'startDate' | 'season' | 'seasonYear' | 'episodes' | 'averageScore' | 'coverImage' | 'coverColor' | 'description'> {
  title: string;
  titles: { romaji: string | null; english: string | null; native: string | null };
  depth: number;
  malScore: number | null;
  malStatus: 'ok' | 'missing' | 'failed' | null;
}

export interface EntryFailure {
  /** AniList id (or MAL id for a Jikan failure of an entry, with `idMal`). */
  id: number;
  idMal?: number | null;
  upstream: 'anilist' | 'jikan';
  status: number | null;
  message: string;
}

export interface FranchiseStats {
  durationMs: number;
  discoveryMs: number;
  enrichmentMs: number;
  upstreamRequests: { anilist: number; jikan: number };
  failures: EntryFailure[];
  /** Edges where MAL and AniList disagree (one side has an edge the other lacks, or a different type). */
  disagreements?: { from: number; to: number; anilist: RelationType | null; mal: RelationType | null }[];
}
