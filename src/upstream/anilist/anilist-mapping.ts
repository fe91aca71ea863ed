import type { Anime, FuzzyDate } from '../../domain/anime.ts';
import type { Relation } from '../../domain/relation-type.ts';
import { sanitiseDescription } from '../../domain/sanitise-description.ts';
import type { Titles } from '../../domain/anime.ts';
import type { AniListMedia, AniListWalkNode } from './anilist-schema.ts';

/**
 * An anime met as a nested node of another's relations: its edges and what the franchise
 * walk reads; `entry` when the node came with every stored field (the first nested level).
 */
export interface NestedEntry {
  id: number;
  titles: Titles;
  format: string | null;
  /** The walk's crossover rules compare start dates. */
  startDate: FuzzyDate;
  relations: Relation[];
  entry: AniListEntry | null;
}

/** One AniList anime with its outgoing relations (all with `from` = anime.id). */
export interface AniListEntry {
  anime: Anime;
  relations: Relation[];
}

export function toAniListEntry(media: AniListMedia, fetchedAt: number): AniListEntry {
  const anime: Anime = {
    id: media.id,
    idMal: media.idMal ?? null,
    title: { romaji: media.title?.romaji ?? null, english: media.title?.english ?? null, native: media.title?.native ?? null },
    synonyms: strings(media.synonyms),
    format: media.format ?? null,
    status: media.status ?? null,
    startDate: fuzzy(media.startDate),
    endDate: fuzzy(media.endDate),
    season: media.season ?? null,
    seasonYear: media.seasonYear ?? null,
    episodes: media.episodes ?? null,
    duration: media.duration ?? null,
    source: media.source ?? null,
    genres: strings(media.genres),
    // Spoiler tags would give the plot away on the franchise page.
    tags: (media.tags ?? []).filter((t) => t && !t.isMediaSpoiler).map((t) => t!.name),
    studios: strings(media.studios?.nodes?.map((s) => s?.name)),
    averageScore: media.averageScore ?? null,
    popularity: media.popularity ?? null,
    coverImage: media.coverImage?.extraLarge ?? media.coverImage?.large ?? null,
    coverImages: {
      extraLarge: media.coverImage?.extraLarge ?? null,
      large: media.coverImage?.large ?? null,
      medium: media.coverImage?.medium ?? null,
    },
    coverColor: media.coverImage?.color ?? null,
    bannerImage: media.bannerImage ?? null,
    description: sanitiseDescription(media.description),
    isAdult: media.isAdult ?? false,
    updatedAt: media.updatedAt ?? null,
    fetchedAt,
  };
  return { anime, relations: relationsOf(media) };
}

export function toNestedEntry(node: AniListWalkNode): NestedEntry {
  const titles = { romaji: node.title?.romaji ?? null, english: node.title?.english ?? null, native: node.title?.native ?? null };
  return { id: node.id, titles, format: node.format ?? null, startDate: fuzzy(node.startDate), relations: relationsOf(node), entry: null };
}

function relationsOf(media: Pick<AniListMedia, 'id' | 'relations'>): Relation[] {
  const relations: Relation[] = [];
  const seen = new Set<string>();
  for (const edge of media.relations?.edges ?? []) {
    // Manga and novels are not entries here; an ADAPTATION edge to a manga is not a relation between anime.
    if (!edge?.node || edge.node.type !== 'ANIME' || !edge.relationType) continue;
    const key = `${edge.node.id}:${edge.relationType}`;
    if (seen.has(key)) continue;
    seen.add(key);
    relations.push({ from: media.id, to: edge.node.id, type: edge.relationType, source: 'anilist' });
  }
  return relations;
}

function fuzzy(date: AniListMedia['startDate']): FuzzyDate {
  return { year: date?.year ?? null, month: date?.month ?? null, day: date?.day ?? null };
}

function strings(list: readonly (string | null | undefined)[] | null | undefined): string[] {
  return (list ?? []).filter((s): s is string => typeof s === 'string' && s !== '');
}
