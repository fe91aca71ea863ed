import type { GraphQLEnumType, GraphQLSchema } from 'graphql';
import type { CatalogMedia } from '../../catalog/catalog.ts';
import type { DerivedFigures } from '../derived-figures.ts';
import type { LiveCatalog } from '../live-catalog.ts';
import { AnilistError } from './anilist-error.ts';
import { fuzzyDateInt, mediaType } from './media-fields.ts';

export interface SortContext {
  figures: DerivedFigures;
  live: LiveCatalog;
}

/** An entry with how well it matched the search (0 without one). */
export interface Ranked {
  media: CatalogMedia;
  match: number;
}

type SortKey = number | string | null;
type KeyOf = (media: CatalogMedia, ctx: SortContext) => SortKey;

/** Sorts the catalog cannot answer, refused by name (both directions). */
export const REFUSED_SORTS: Readonly<Record<string, string>> = { TRENDING: 'the catalog has no trending figures' };

const titles = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/**
 * MediaSort for the catalog: every value is a sort key, SEARCH_MATCH, or refused by name. Missing
 * values go last whichever the direction, as AniList lists them; ties fall back to ascending id, so
 * paging a sort is stable. Enums (FORMAT, STATUS, TYPE) sort in the schema's declaration order,
 * the order of AniList's own enum columns.
 */
export class MediaSorter {
  private readonly keys: Record<string, KeyOf>;

  constructor(schema: GraphQLSchema) {
    const order = (type: string) => {
      const names = (schema.getType(type) as GraphQLEnumType).getValues().map((v) => v.name);
      return (value: string | null) => (value === null ? null : names.indexOf(value));
    };
    const format = order('MediaFormat');
    const status = order('MediaStatus');
    const type = order('MediaType');
    this.keys = {
      ID: (m) => m.id,
      TITLE_ROMAJI: (m) => m.title.romaji,
      TITLE_ENGLISH: (m) => m.title.english,
      TITLE_NATIVE: (m) => m.title.native,
      TYPE: (m) => type(mediaType(m)),
      FORMAT: (m) => format(m.format),
      STATUS: (m) => status(m.status),
      START_DATE: (m) => fuzzyDateInt(m.startDate),
      END_DATE: (m) => fuzzyDateInt(m.endDate),
      SCORE: (m) => m.averageScore,
      POPULARITY: (m, ctx) => ctx.figures.anilistPopularity(m.id),
      FAVOURITES: (m, ctx) => ctx.figures.anilistFavourites(m.id),
      EPISODES: (m) => m.episodes,
      DURATION: (m) => m.duration,
      // Anime have neither: every entry ties and the id decides.
      CHAPTERS: () => null,
      VOLUMES: () => null,
      UPDATED_AT: (m, ctx) => ctx.live.updatedAt(m.id),
    };
    const unknown = (schema.getType('MediaSort') as GraphQLEnumType)
      .getValues()
      .map((v) => v.name.replace(/_DESC$/, ''))
      .filter((name) => name !== 'SEARCH_MATCH' && !this.keys[name] && !REFUSED_SORTS[name]);
    if (unknown.length > 0) throw new Error(`MediaSort: no simulator rule for ${[...new Set(unknown)].join(', ')}; sort or refuse each`);
  }

  /** Sorts in place by `sorts` (AniList applies them in order); throws AnilistError for a refused value. */
  sort(entries: Ranked[], sorts: string[], ctx: SortContext): void {
    const comparers = sorts.map((name) => {
      const base = name.replace(/_DESC$/, '');
      if (REFUSED_SORTS[base]) throw new AnilistError(`argument sort: ${name} is not supported by the simulator: ${REFUSED_SORTS[base]}`, 400);
      const sign = name.endsWith('_DESC') ? -1 : 1;
      if (base === 'SEARCH_MATCH') return { keys: null, sign };
      const key = this.keys[base]!;
      return { keys: new Map(entries.map((e) => [e.media.id, key(e.media, ctx)])), sign };
    });
    entries.sort((a, b) => {
      for (const { keys, sign } of comparers) {
        const order = keys ? compareKeys(keys.get(a.media.id)!, keys.get(b.media.id)!, sign) : (b.match - a.match) * sign;
        if (order !== 0) return order;
      }
      return a.media.id - b.media.id;
    });
  }

  /** AniList's order for a search without a sort: match tier, then popularity, then score. */
  bySearchMatch(entries: Ranked[], ctx: SortContext): void {
    this.sort(entries, ['SEARCH_MATCH', 'POPULARITY_DESC', 'SCORE_DESC'], ctx);
  }
}

function compareKeys(a: SortKey, b: SortKey, sign: number): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : titles.compare(String(a), String(b));
  return order * sign;
}
