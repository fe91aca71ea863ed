import type { MalInfo } from './anime.ts';

const DAY_MS = 86_400_000;

/**
 * How long stored data counts as fresh, by AniList status: airing shows change weekly
 * (episodes, dates, scores), announced ones now and then, finished ones rarely.
 */
export const FRESHNESS_TTL_MS = {
  RELEASING: DAY_MS,
  NOT_YET_RELEASED: 7 * DAY_MS,
  /** FINISHED, CANCELLED, HIATUS, unknown or null. */
  other: 30 * DAY_MS,
} as const;

export function freshnessTtlMs(status: string | null): number {
  if (status === 'RELEASING') return FRESHNESS_TTL_MS.RELEASING;
  if (status === 'NOT_YET_RELEASED') return FRESHNESS_TTL_MS.NOT_YET_RELEASED;
  return FRESHNESS_TTL_MS.other;
}

/** AniList data fetched at `fetchedAt` (ms) is stale at `now` (ms) once its status's TTL has passed. */
export function isStale(status: string | null, fetchedAt: number, now: number): boolean {
  return now - fetchedAt >= freshnessTtlMs(status);
}

/**
 * MAL data needs (re)fetching when there is none, the last attempt failed, or it is older
 * than the entry's TTL. `missing` (Jikan has no such entry) ages like `ok`: asking again
 * every time would spend Jikan's small budget on answers known to be 404.
 */
export function isMalStale(status: string | null, mal: Pick<MalInfo, 'status' | 'fetchedAt'> | null, now: number): boolean {
  if (mal === null || mal.status === 'failed') return true;
  return isStale(status, mal.fetchedAt, now);
}
