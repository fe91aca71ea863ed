import type { Catalog, CatalogMedia } from '../../catalog/catalog.ts';
import { normaliseTitle } from '../../domain/title.ts';
import type { DerivedFigures } from '../derived-figures.ts';
import { shuffleInPlace, type Random } from '../seeded-random.ts';
import { searchTitles } from '../title-search.ts';

/** The Media/Page.media arguments the simulator honours; any other argument is accepted and ignored. */
export interface MediaQueryArgs {
  id?: number | null;
  idMal?: number | null;
  id_in?: (number | null)[] | null;
  idMal_in?: (number | null)[] | null;
  search?: string | null;
  type?: string | null;
  format?: string | null;
  format_in?: (string | null)[] | null;
  status?: string | null;
  status_in?: (string | null)[] | null;
  isAdult?: boolean | null;
  sort?: (string | null)[] | null;
}

type SortValue = number | string | null;
type Keyed = { media: CatalogMedia; match: number };

const dateKey = (d: CatalogMedia['startDate']) => (d?.year == null ? null : d.year * 10_000 + (d.month ?? 0) * 100 + (d.day ?? 0));

function sortKeys(figures: DerivedFigures): Record<string, (k: Keyed) => SortValue> {
  return {
    ID: (k) => k.media.id,
    TITLE_ROMAJI: (k) => k.media.title.romaji,
    TITLE_ENGLISH: (k) => k.media.title.english,
    TITLE_NATIVE: (k) => k.media.title.native,
    FORMAT: (k) => k.media.format,
    STATUS: (k) => k.media.status,
    START_DATE: (k) => dateKey(k.media.startDate),
    END_DATE: (k) => dateKey(k.media.endDate),
    SCORE: (k) => k.media.averageScore,
    POPULARITY: (k) => figures.anilistPopularity(k.media.id),
    FAVOURITES: (k) => figures.anilistFavourites(k.media.id),
    EPISODES: (k) => k.media.episodes,
    DURATION: (k) => k.media.duration,
    UPDATED_AT: (k) => figures.anilistUpdatedAt(k.media.id),
  };
}

function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  // Missing values go last whichever the direction, as AniList lists them.
  if (a === null) return 1;
  if (b === null) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

const present = <T>(values: (T | null)[] | null | undefined): T[] | undefined => values?.filter((v): v is T => v !== null);

/**
 * Every catalog entry matching `args`, in AniList's order: the requested sort; else best search match
 * (tier, then popularity, then score); else, for id_in/idMal_in, a seeded shuffle (AniList does not keep
 * the order asked for); else by id. Unknown ids are simply absent.
 */
export function findMedia(catalog: Catalog, figures: DerivedFigures, args: MediaQueryArgs, random: Random): CatalogMedia[] {
  const idIn = present(args.id_in);
  const idMalIn = present(args.idMal_in);
  let candidates: Iterable<CatalogMedia>;
  const pick = (ids: number[], from: ReadonlyMap<number, CatalogMedia>) =>
    [...new Set(ids)].map((id) => from.get(id)).filter((m): m is CatalogMedia => !!m);
  if (args.id != null) candidates = pick([args.id], catalog.media);
  else if (idIn) candidates = pick(idIn, catalog.media);
  else if (args.idMal != null) candidates = pick([args.idMal], catalog.mediaByMalId);
  else if (idMalIn) candidates = pick(idMalIn, catalog.mediaByMalId);
  else candidates = catalog.media.values();

  // A search of nothing ("" or only punctuation) filters nothing, as on AniList.
  const matches = args.search != null && normaliseTitle(args.search) ? searchTitles(catalog.mediaByTitle, args.search) : null;
  const formats = present(args.format_in);
  const statuses = present(args.status_in);
  const kept: Keyed[] = [];
  for (const media of candidates) {
    if (args.type != null && args.type !== 'ANIME') continue;
    if (args.id != null && media.id !== args.id) continue;
    if (idIn && !idIn.includes(media.id)) continue;
    if (args.idMal != null && media.idMal !== args.idMal) continue;
    if (idMalIn && (media.idMal === null || !idMalIn.includes(media.idMal))) continue;
    if (args.format != null && media.format !== args.format) continue;
    if (formats && (media.format === null || !formats.includes(media.format))) continue;
    if (args.status != null && media.status !== args.status) continue;
    if (statuses && (media.status === null || !statuses.includes(media.status))) continue;
    if (args.isAdult != null && media.isAdult !== args.isAdult) continue;
    const match = matches ? (matches.get(media.id) ?? 0) : 0;
    if (matches && match === 0) continue;
    kept.push({ media, match });
  }

  const keys = sortKeys(figures);
  const searchMatch = (a: Keyed, b: Keyed) =>
    b.match - a.match || compareValues(keys.POPULARITY(b), keys.POPULARITY(a)) || compareValues(keys.SCORE(b), keys.SCORE(a)) || a.media.id - b.media.id;
  const sorts = (present(args.sort) ?? []).flatMap((name) => {
    if (name === 'SEARCH_MATCH') return [searchMatch];
    const desc = name.endsWith('_DESC');
    const key = keys[desc ? name.slice(0, -5) : name];
    if (!key) return [];
    return [(a: Keyed, b: Keyed) => (desc ? compareValues(key(b), key(a)) : compareValues(key(a), key(b)))];
  });
  if (sorts.length > 0) {
    kept.sort((a, b) => {
      for (const compare of sorts) {
        const order = compare(a, b);
        if (order !== 0) return order;
      }
      return a.media.id - b.media.id;
    });
  } else if (matches) kept.sort(searchMatch);
  else if (idIn || idMalIn) shuffleInPlace(kept, random);
  else kept.sort((a, b) => a.media.id - b.media.id);
  return kept.map((k) => k.media);
}
