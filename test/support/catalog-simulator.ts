import { loadCatalog, type Catalog } from '../../src/catalog/catalog.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.ts';

/**
 * The whole catalog behind a simulator whose AniList rate never answers 429, for tests of
 * what the simulator answers; the caller closes `sim`.
 */
export async function startCatalogSimulator(): Promise<{ sim: RunningSimulator; catalog: Catalog }> {
  const catalog = await loadCatalog();
  return { sim: await startSimulator({ catalog, anilistRatePerMinute: 100_000 }), catalog };
}
