import type { Catalog } from '../../catalog/catalog.ts';

/** The default franchise policy's relation types (DESIGN.md section 4). */
export const FOLLOWED = ['SEQUEL', 'PREQUEL', 'PARENT', 'SIDE_STORY', 'SPIN_OFF', 'ALTERNATIVE', 'SUMMARY', 'COMPILATION', 'CONTAINS'];

/** A franchise's ids straight from the catalog (breadth-first over `follow`), as fixtures for tests and benchmarks. */
export function catalogFranchiseIds(catalog: Catalog, rootId: number, follow: readonly string[] = FOLLOWED): number[] {
  const followed = new Set(follow);
  const seen = new Set([rootId]);
  const queue = [rootId];
  while (queue.length > 0) {
    for (const edge of catalog.media.get(queue.shift()!)?.relations ?? []) {
      if (followed.has(edge.relationType) && !seen.has(edge.id)) {
        seen.add(edge.id);
        queue.push(edge.id);
      }
    }
  }
  return [...seen];
}
