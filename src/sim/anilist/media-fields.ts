import type { CatalogMedia } from '../../catalog/catalog.ts';
import type { FuzzyDate } from '../../domain/anime.ts';
import { stableHash } from '../seeded-random.ts';
import { isSourceWork } from '../source-work.ts';

/**
 * Media fields the catalog does not hold as such, derived once here so the answers and the
 * filters on them always agree.
 */

/** The catalog holds anime; the simulator's synthetic source works are AniList's MANGA type. */
export function mediaType(media: CatalogMedia): 'ANIME' | 'MANGA' {
  return isSourceWork(media) ? 'MANGA' : 'ANIME';
}

/** The catalog has no country; Hangul in the native title is the one safe signal (Korean), else Japan. */
export function countryOfOrigin(media: CatalogMedia): string {
  return /\p{Script=Hangul}/u.test(media.title.native ?? '') ? 'KR' : 'JP';
}

/** The catalog names tags without ids: a stable hash of the name stands in, the same in Media.tags and MediaTagCollection. */
export function tagId(name: string): number {
  return stableHash('tag', name) % 100_000;
}

/** The catalog keeps tag names in AniList's order (most relevant first); rank falls with position. */
export function tagRank(position: number): number {
  return Math.max(20, 95 - position * 7);
}

/**
 * AniList's FuzzyDateInt: YYYYMMDD with 0 for unknown parts (2013 alone is 20130000, so it sorts
 * and compares before 2013-01-01); null when even the year is unknown.
 */
export function fuzzyDateInt(date: FuzzyDate | null): number | null {
  if (date?.year == null) return null;
  return date.year * 10_000 + (date.month ?? 0) * 100 + (date.day ?? 0);
}
