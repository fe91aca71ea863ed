import { loadCatalog } from '../../../../src/catalog/catalog.ts';
import { relationsFromCatalog, walkEntryFromCatalog } from '../../../../src/catalog/catalog-to-domain.ts';
import { displayTitle } from '../../../../src/domain/anime.ts';
import { walkFranchise } from '../../../../src/domain/franchise-walk.ts';
import { inverseOf, type Relation } from '../../../../src/domain/relation-type.ts';
import type { FranchiseView } from '../../../../src/ingest/franchise-view.ts';

/**
 * A real franchise from the offline catalog in the shape the API serves, relations in both
 * directions as the store keeps them (a missing inverse added as `inferred`), for tests of
 * the page's pure parts. Node only: it reads the catalog files.
 */
export async function catalogFranchiseView(rootId: number): Promise<FranchiseView> {
  const catalog = await loadCatalog({ anilistOnly: true });
  const edgesOf = (id: number) => {
    const entry = catalog.media.get(id);
    return entry ? relationsFromCatalog(entry) : undefined;
  };
  const { members, truncated } = walkFranchise(rootId, (id) => {
    const entry = catalog.media.get(id);
    return entry && walkEntryFromCatalog(entry);
  });
  const relations: Relation[] = [];
  const seen = new Set<string>();
  const add = (r: Relation) => {
    const key = `${r.from}-${r.to}-${r.type}`;
    if (!seen.has(key) && members.has(r.from) && members.has(r.to)) {
      seen.add(key);
      relations.push(r);
    }
  };
  for (const id of members.keys()) for (const r of edgesOf(id) ?? []) add(r);
  for (const r of [...relations]) {
    const hasReverse = relations.some((x) => x.from === r.to && x.to === r.from);
    if (!hasReverse) add({ from: r.to, to: r.from, type: inverseOf(r.type), source: 'inferred' });
  }
  const ids = [...members.keys()];
  return {
    franchise: { id: rootId, title: displayTitle(catalog.media.get(rootId)!.title, rootId), size: ids.length, truncated, stale: false },
    members: ids.map((id) => {
      const m = catalog.media.get(id)!;
      return {
        id,
        idMal: m.idMal,
        title: displayTitle(m.title, id),
        titles: m.title,
        format: m.format,
        status: m.status,
        startDate: m.startDate ?? { year: null, month: null, day: null },
        season: m.season,
        seasonYear: m.seasonYear,
        episodes: m.episodes,
        depth: members.get(id)!,
        averageScore: m.averageScore,
        malScore: null,
        malStatus: null,
        coverImage: m.coverImage.large,
        coverColor: m.coverImage.color,
        description: m.description,
      };
    }),
    relations,
    watchOrder: { recommended: ids.map((id) => ({ id, role: 'main' as const, reason: 'main story, where it aired' })), release: ids, story: ids },
    stats: { durationMs: 0, discoveryMs: 0, enrichmentMs: 0, upstreamRequests: { anilist: 0, jikan: 0 }, failures: [] },
  };
}
