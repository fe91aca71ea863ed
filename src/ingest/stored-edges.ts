import type { Relation } from '../domain/relation-type.ts';
import type { Store } from '../store/store.ts';

/**
 * Each stored entry's outgoing edges as AniList reported them, for the franchise walk:
 * the relation table's rows plus the edges still waiting in pending_relation for a target
 * that is not stored (a crash, or a fetch that failed). Without the pending ones a re-run
 * would stop at the last stored entry instead of fetching what is missing.
 */
export async function storedWalkEdges(store: Pick<Store, 'relations'>, ids: readonly number[]): Promise<Map<number, Relation[]>> {
  const byId = new Map<number, Relation[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byId;
  const [stored, pending] = await Promise.all([store.relations.listFrom(ids), store.relations.listPendingFrom(ids)]);
  for (const edge of [...stored, ...pending]) byId.get(edge.from)?.push(edge);
  return byId;
}
