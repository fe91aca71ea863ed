import type { CatalogMedia } from '../catalog/catalog.ts';

/**
 * Synthetic AniList ids of source works: 1,000,000 + the lowest AniList id of the anime that adapt
 * the work. AniList's own ids are below 250,000 and the catalog's entries without a MAL page use
 * 900,000-900,999, so no synthetic id can ever be mistaken for an anime the catalog has or will have.
 */
export const WORK_ID_BASE = 1_000_000;
/**
 * Synthetic MyAnimeList manga ids: 700,000 + the lowest MAL id of those anime. MAL numbers manga
 * apart from anime; these sit far above both sites' real ids, so a client that fetches one as an
 * anime gets a 404 instead of some unrelated anime.
 */
export const WORK_MAL_ID_BASE = 700_000;

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

