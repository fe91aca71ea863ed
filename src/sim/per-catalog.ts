import type { Catalog } from '../catalog/catalog.ts';

/**
 * Memoises something derived from a catalog, once per catalog instance: the catalog is shared by
 * every simulator in a process and never changes, and deriving walks all of it.
 */
export function perCatalog<T>(build: (catalog: Catalog) => T): (catalog: Catalog) => T {
  const cache = new WeakMap<Catalog, T>();
  return (catalog) => {
    let value = cache.get(catalog);
    if (value === undefined) {
      value = build(catalog);
      cache.set(catalog, value);
    }
    return value;
  };
}
