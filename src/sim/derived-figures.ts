import type { Catalog } from '../catalog/catalog.ts';
import { perCatalog } from './per-catalog.ts';
import { indexTitles } from './title-search.ts';

/**
 * Figures the catalog does not hold but the upstreams always return, derived deterministically
 * so every run, test and benchmark sees the same numbers:
 * - MAL members = round(200 * score^4) + (mal_id * 7919 mod 5000); unscored: 100 + (mal_id * 7919 mod 5000).
 *   A higher score means more members, which is roughly true and keeps popular franchises on top.
 * - MAL scored_by = 60% of members (null without a score); favorites = members / 60.
 * - MAL rank = position by score (desc, then mal_id); null without a score.
 * - MAL popularity = position by members (desc, then mal_id).
 * - AniList popularity = 60% of the MAL entry's members, or from averageScore (/10) the same way
 *   when there is no MAL entry; favourites = popularity / 50.
 * AniList's updatedAt changes with edits, so the LiveCatalog holds it.
 */
export class DerivedFigures {
  private readonly malMembers = new Map<number, number>();
  private readonly malRank = new Map<number, number>();
  private readonly malPopularity = new Map<number, number>();
  /** Normalised MAL titles to mal_ids, for Jikan's search. */
  readonly malTitles: Map<string, number[]>;

  constructor(private readonly catalog: Catalog) {
    const entries = [...catalog.mal.values()];
    for (const entry of entries) this.malMembers.set(entry.mal_id, members(entry.score, entry.mal_id));
    const scored = entries.filter((e) => e.score !== null).sort((a, b) => b.score! - a.score! || a.mal_id - b.mal_id);
    scored.forEach((e, i) => this.malRank.set(e.mal_id, i + 1));
    const byMembers = entries.sort((a, b) => this.malMembers.get(b.mal_id)! - this.malMembers.get(a.mal_id)! || a.mal_id - b.mal_id);
    byMembers.forEach((e, i) => this.malPopularity.set(e.mal_id, i + 1));
    this.malTitles = indexTitles(
      [...catalog.mal.values()].map((e) => ({ id: e.mal_id, titles: [e.title, e.title_english, e.title_japanese, ...e.title_synonyms] })),
    );
  }

  members(malId: number): number {
    return this.malMembers.get(malId) ?? members(null, malId);
  }

  scoredBy(malId: number): number | null {
    const entry = this.catalog.mal.get(malId);
    return entry?.score == null ? null : Math.round(this.members(malId) * 0.6);
  }

  favorites(malId: number): number {
    return Math.round(this.members(malId) / 60);
  }

  rank(malId: number): number | null {
    return this.malRank.get(malId) ?? null;
  }

  popularity(malId: number): number | null {
    return this.malPopularity.get(malId) ?? null;
  }

  anilistPopularity(id: number): number {
    const media = this.catalog.media.get(id);
    if (media?.idMal != null && this.catalog.mal.has(media.idMal)) return Math.round(this.members(media.idMal) * 0.6);
    const score = media?.averageScore == null ? null : media.averageScore / 10;
    return Math.round(members(score, id) * 0.6);
  }

  anilistFavourites(id: number): number {
    return Math.round(this.anilistPopularity(id) / 50);
  }
}

function members(score: number | null, id: number): number {
  const spread = (id * 7919) % 5000;
  return score === null ? 100 + spread : Math.round(200 * Math.max(score, 1) ** 4) + spread;
}

/** One DerivedFigures per catalog: building it sorts the whole MAL list (tens of ms). */
export const derivedFigures = perCatalog((catalog) => new DerivedFigures(catalog));
