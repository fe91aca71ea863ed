import type { Catalog } from '../../catalog/catalog.ts';
import { normaliseTitle } from '../../domain/title.ts';
import { companyIds } from '../company-ids.ts';
import { perCatalog } from '../per-catalog.ts';
import { searchTitles } from '../title-search.ts';
import { AnilistError } from './anilist-error.ts';

export interface Studio {
  id: number;
  name: string;
  /** Every catalog anime the studio made, by id. */
  animeIds: number[];
}

export interface StudioArgs {
  id?: number | null;
  id_not?: number | null;
  id_in?: (number | null)[] | null;
  id_not_in?: (number | null)[] | null;
  search?: string | null;
  sort?: (string | null)[] | null;
}

const names = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/**
 * AniList's studios as the catalog knows them: every studio an anime names, with the ids of
 * CompanyIds. Answers Studio(...) and Page.studios(...), every argument honoured: the id filters,
 * search (as Media's search does over titles) and each StudioSort value (nobody favourites
 * anything here, so FAVOURITES ties and the id decides).
 */
export class StudioDirectory {
  readonly byId = new Map<number, Studio>();
  private readonly byName = new Map<string, Studio>();
  private readonly index = new Map<string, number[]>();

  constructor(catalog: Catalog) {
    const ids = companyIds(catalog);
    for (const media of catalog.media.values()) {
      for (const name of media.studios) {
        let studio = this.byName.get(name);
        if (!studio) {
          studio = { id: ids.idOf(name), name, animeIds: [] };
          this.byName.set(name, studio);
          this.byId.set(studio.id, studio);
          const key = normaliseTitle(name);
          if (key) this.index.set(key, [...(this.index.get(key) ?? []), studio.id]);
        }
        studio.animeIds.push(media.id);
      }
    }
  }

  named(name: string): Studio | undefined {
    return this.byName.get(name);
  }

  find(args: StudioArgs): Studio[] {
    const present = (list: (number | null)[] | null | undefined) => list?.filter((v): v is number => v !== null);
    const idIn = present(args.id_in);
    const idNotIn = present(args.id_not_in);
    const matches = args.search && normaliseTitle(args.search) ? searchTitles(this.index, args.search) : null;
    const found = [...this.byId.values()].filter(
      (s) =>
        (args.id == null || s.id === args.id) &&
        (args.id_not == null || s.id !== args.id_not) &&
        (!idIn || idIn.includes(s.id)) &&
        (!idNotIn || !idNotIn.includes(s.id)) &&
        (!matches || matches.has(s.id)),
    );
    const sorts = (args.sort ?? []).filter((s): s is string => s !== null);
    return this.sort(found, sorts.length > 0 ? sorts : [matches ? 'SEARCH_MATCH' : 'ID'], matches);
  }

  /** Sorts in place by StudioSort values, in order; ties fall to the id. */
  sort(found: Studio[], sorts: string[], matches: ReadonlyMap<number, number> | null = null): Studio[] {
    const comparers = sorts.map((sort) => {
      const sign = sort.endsWith('_DESC') ? -1 : 1;
      switch (sort.replace(/_DESC$/, '')) {
        case 'ID':
          return (a: Studio, b: Studio) => (a.id - b.id) * sign;
        case 'NAME':
          return (a: Studio, b: Studio) => names.compare(a.name, b.name) * sign;
        case 'SEARCH_MATCH':
          return (a: Studio, b: Studio) => ((matches?.get(b.id) ?? 0) - (matches?.get(a.id) ?? 0)) * sign || b.animeIds.length - a.animeIds.length;
        case 'FAVOURITES':
          return () => 0;
        default:
          throw new AnilistError(`argument sort: ${sort} is not a StudioSort value`, 400);
      }
    });
    return found.sort((a, b) => {
      for (const compare of comparers) {
        const order = compare(a, b);
        if (order !== 0) return order;
      }
      return a.id - b.id;
    });
  }
}

export const studioDirectory = perCatalog((catalog) => new StudioDirectory(catalog));
