import type { Clock } from '../clock.ts';
import type { Store } from '../store/store.ts';
import { CATALOG_SYNC, parseSyncState, type SyncState } from './sync-state.ts';

/**
 * Whether the store holds a synced copy of AniList's catalog recent enough to answer from
 * alone: a full pass has completed and the last run of any kind ended at most `freshMs` ago.
 * While it does, franchise reads and discovery walk stored edges and ask AniList nothing.
 */
export type MirrorFreshness = () => Promise<boolean>;

/** SYNC_FRESH_MINUTES as a check; 0 never answers from the mirror. */
export function mirrorFreshness(store: Pick<Store, 'catalog'>, clock: Clock, freshMs: number): MirrorFreshness {
  return async () => freshMs > 0 && isMirrorFresh(parseSyncState((await store.catalog.readSync(CATALOG_SYNC))?.state), clock.now(), freshMs);
}

/** The rule itself: a full pass has completed and the last run ended at most `freshMs` before `now`. */
export function isMirrorFresh(state: Pick<SyncState, 'fullDoneAt' | 'syncedAt'>, now: number, freshMs: number): boolean {
  return freshMs > 0 && state.fullDoneAt !== null && state.syncedAt !== null && now - state.syncedAt <= freshMs;
}
