import type { Clock } from '../clock.ts';
import type { Store } from '../store/store.ts';
import { isMirrorFresh } from './mirror-freshness.ts';
import { CATALOG_SYNC, parseSyncState } from './sync-state.ts';

/** The mirror's state as GET /api/catalog, /metrics and the page footer show it. */
export interface CatalogStatus {
  /** Entries AniList has, stored. */
  entries: number;
  /** Entries AniList no longer has (kept, marked removed). */
  removed: number;
  /** Share of `entries` with MyAnimeList data, 0-1. */
  enrichedShare: number;
  /** When the last sync (of either kind) completed, ISO 8601; null before the first. */
  lastSyncAt: string | null;
  /** When the last full pass completed, ISO 8601. */
  lastFullSyncAt: string | null;
  /** Seconds since the last completed sync; null before the first. */
  lagSeconds: number | null;
  /** True while a sync holds the lease somewhere. */
  syncing: boolean;
  /** True while franchises are answered from the mirror alone (SYNC_FRESH_MINUTES). */
  fresh: boolean;
}

export function catalogStatus(store: Pick<Store, 'catalog'>, clock: Clock, freshMs: number): () => Promise<CatalogStatus> {
  return async () => {
    const [counts, row] = await Promise.all([store.catalog.counts(), store.catalog.readSync(CATALOG_SYNC)]);
    const state = parseSyncState(row?.state);
    const now = clock.now();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      entries: counts.entries,
      removed: counts.removed,
      enrichedShare: counts.entries > 0 ? counts.enriched / counts.entries : 0,
      lastSyncAt: iso(state.syncedAt),
      lastFullSyncAt: iso(state.fullDoneAt),
      lagSeconds: state.syncedAt === null ? null : Math.max(0, Math.round((now - state.syncedAt) / 1000)),
      syncing: row?.leaseOwner != null && (row.leaseUntil ?? 0) >= now,
      fresh: isMirrorFresh(state, now, freshMs),
    };
  };
}
