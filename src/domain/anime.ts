/** A date whose parts may each be unknown, as AniList reports them. */
export interface FuzzyDate {
  year: number | null;
  month: number | null;
  day: number | null;
}

export interface Titles {
  romaji: string | null;
  english: string | null;
  native: string | null;
}

/** AniList's cover sizes, largest first (about 460, 230 and 100 px wide). */
export const COVER_SIZES = ['extraLarge', 'large', 'medium'] as const;
export type CoverSize = (typeof COVER_SIZES)[number];
export type CoverImages = Record<CoverSize, string | null>;

/** MAL (Jikan) lookup state: ok = data merged, missing = Jikan has no such entry, failed = gave up for now. */
export type MalStatus = 'ok' | 'missing' | 'failed';

/** One anime as Tsunagu stores it, keyed by AniList id. */
export interface Anime {
  id: number;
  idMal: number | null;
  title: Titles;
  synonyms: string[];
  format: string | null;
  status: string | null;
  startDate: FuzzyDate;
  endDate: FuzzyDate;
  season: string | null;
  seasonYear: number | null;
  episodes: number | null;
  duration: number | null;
  source: string | null;
  genres: string[];
  tags: string[];
  studios: string[];
  averageScore: number | null;
  popularity: number | null;
  /** The largest cover AniList gave (extraLarge, else large): the one link shown where a single cover is named. */
  coverImage: string | null;
  /** Every cover size AniList gave, null where it gave none; the cover proxy serves them (GET /api/anime/{id}/cover). */
  coverImages: CoverImages;
  coverColor: string | null;
  bannerImage: string | null;
  /** Sanitised: plain text with line breaks; upstream HTML never survives to here. */
  description: string | null;
  isAdult: boolean;
  /** AniList's own updatedAt, unix seconds. */
  updatedAt: number | null;
  /** When Tsunagu last fetched it from AniList, ms since epoch. */
  fetchedAt: number;
}

/** What Jikan adds to an entry. */
export interface MalInfo {
  score: number | null;
  rank: number | null;
  members: number | null;
  rating: string | null;
  status: MalStatus;
  /** ms since epoch. */
  fetchedAt: number;
}

/** An anime with whatever MAL data is stored for it (null before enrichment). */
export interface StoredAnime extends Anime {
  mal: MalInfo | null;
}

export function displayTitle(titles: Titles, id?: number): string {
  return titles.english ?? titles.romaji ?? titles.native ?? (id !== undefined ? `#${id}` : 'untitled');
}
