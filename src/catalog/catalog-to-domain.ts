import type { Anime, MalInfo } from '../domain/anime.ts';
import type { WalkEntry } from '../domain/franchise-walk.ts';
import type { Relation } from '../domain/relation-type.ts';
import type { CatalogMal, CatalogMedia } from './catalog-schema.ts';

const UNKNOWN_DATE = { year: null, month: null, day: null };

/** A catalog entry as if just fetched from AniList at `fetchedAt` (ms). The catalog has no popularity or updatedAt. */
export function animeFromCatalog(entry: CatalogMedia, fetchedAt: number): Anime {
  return {
    id: entry.id,
    idMal: entry.idMal,
    title: { ...entry.title },
    synonyms: [...entry.synonyms],
    format: entry.format,
    status: entry.status,
    startDate: entry.startDate ? { ...entry.startDate } : { ...UNKNOWN_DATE },
    endDate: entry.endDate ? { ...entry.endDate } : { ...UNKNOWN_DATE },
    season: entry.season,
    seasonYear: entry.seasonYear,
    episodes: entry.episodes,
    duration: entry.duration,
    source: entry.source,
    genres: [...entry.genres],
    tags: [...entry.tags],
    studios: [...entry.studios],
    averageScore: entry.averageScore,
    popularity: null,
    coverImage: entry.coverImage.large,
    // The catalog kept one size; the simulator answers it for every size AniList has.
    coverImages: { extraLarge: null, large: entry.coverImage.large, medium: null },
    coverColor: entry.coverImage.color,
    bannerImage: entry.bannerImage,
    description: entry.description,
    isAdult: entry.isAdult,
    updatedAt: null,
    fetchedAt,
  };
}

/** The entry's AniList relations as edges from it, exactly as listed (self-loops and repeats included: the store drops those). */
export function relationsFromCatalog(entry: CatalogMedia): Relation[] {
  return entry.relations.map((r) => ({ from: entry.id, to: r.id, type: r.relationType, source: 'anilist' }));
}

/** What Jikan would add for a MAL entry; the catalog has no rank or member count. */
export function malInfoFromCatalog(entry: CatalogMal, fetchedAt: number): MalInfo {
  return { score: entry.score, rank: null, members: null, rating: entry.rating, status: 'ok', fetchedAt };
}

/** What the franchise walk needs of a catalog entry: its AniList edges, titles and format. */
export function walkEntryFromCatalog(entry: CatalogMedia): WalkEntry {
  return { edges: relationsFromCatalog(entry), titles: { ...entry.title }, format: entry.format, startDate: entry.startDate };
}
