import type { Catalog } from '../catalog/catalog.ts';
import { perCatalog } from './per-catalog.ts';

/**
 * The catalog names studios and producers but gives no ids. Each distinct name, from both sites,
 * gets its position in the sorted list of all of them (from 1): stable for a given catalog, never
 * shared by two names, and small like MyAnimeList's own producer ids. AniList's studio ids and
 * Jikan's producer, studio and licensor ids are these same numbers.
 */
export class CompanyIds {
  private readonly ids = new Map<string, number>();
  private readonly names: string[];

  constructor(catalog: Catalog) {
    const all = new Set<string>();
    for (const media of catalog.media.values()) for (const name of media.studios) all.add(name);
    for (const entry of catalog.mal.values()) for (const name of [...entry.producers, ...entry.studios]) all.add(name);
    this.names = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.names.forEach((name, i) => this.ids.set(name, i + 1));
  }

  /** The id of a name the catalog lists; 0 for any other (it matches no filter). */
  idOf(name: string): number {
    return this.ids.get(name) ?? 0;
  }

  nameOf(id: number): string | undefined {
    return this.names[id - 1];
  }

  get size(): number {
    return this.names.length;
  }
}

export const companyIds = perCatalog((catalog) => new CompanyIds(catalog));
