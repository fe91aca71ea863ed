import type { CatalogMedia } from '../catalog/catalog.ts';

/**
 * Synthetic AniList ids of source works: 1,000,000 + the lowest AniList id of the anime that adapt
 * the work. AniList's own ids are below 250,000 and the catalog's entries without a MAL page use
 * 900,000-900,999, so no synthetic id can ever be mistaken for an anime the catalog has or will have.
 */
export const WORK_ID_BASE = 1_000_000;
/**
 * MyAnimeList numbers manga apart from anime, so a manga's MAL id is often also some unrelated
 * anime's: a client that reads a relation entry's `mal_id` without its `type` (or asks AniList for
 * `Media(idMal:)` without `type`) gets the wrong entry, as on the real sites. The synthetic works
 * keep that trap: their MAL id is the lowest MAL id of their anime multiplied by 7919 modulo the
 * prime 65521, a one-to-one map onto 1-65520 (so no two works share one), spread over the range
 * MAL's anime ids use.
 */
export function workMalId(lowestAnimeMalId: number): number {
  return (lowestAnimeMalId * 7919) % 65_521;
}

/** A manga or novel the simulator derives from the anime that adapt it; shaped as a catalog entry so every filter reads it alike. */
export interface SourceWork extends CatalogMedia {
  type: 'MANGA';
  /** The anime's `source` value the work stands for (MANGA, LIGHT_NOVEL, ...). */
  sourceKind: string;
  /** The anime it lends its title, adult flag and genres from. */
  rootAnimeId: number;
}

export interface WorkEdge {
  id: number;
  relationType: string;
}

/** Whether an entry is one of the simulator's synthetic source works. */
export function isSourceWork(media: CatalogMedia): media is SourceWork {
  return (media as Partial<SourceWork>).type === 'MANGA';
}

