import type { Relation, RelationSource } from '../domain/relation-type.ts';
import type { Store } from '../store/store.ts';

/** Ids per IN list: under both dialects' bound-parameter limits. */
const IDS_PER_QUERY = 1000;

/**
 * Each stored entry's outgoing edges as AniList reported them, for the franchise walk:
 * the relation table's rows plus the edges still waiting in pending_relation for a target
 * that is not stored (a crash, or a fetch that failed). Without the pending ones a re-run
 * would stop at the last stored entry instead of fetching what is missing.
 */
export async function storedWalkEdges(store: Pick<Store, 'relations' | 'db'>, ids: readonly number[]): Promise<Map<number, Relation[]>> {
  const byId = new Map<number, Relation[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byId;
  const add = (edge: Relation) => byId.get(edge.from)?.push(edge);
  for (const edge of await store.relations.listFrom(ids)) add(edge);
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
    // The repository has no per-entry read of pending edges (only listPending() of all of
    // them), so this one query goes to the table directly.
    const rows = await store.db
      .selectFrom('pending_relation')
      .select(['from_id', 'to_id', 'type', 'source'])
      .where('from_id', 'in', unique.slice(i, i + IDS_PER_QUERY))
      .execute();
    for (const row of rows) add({ from: row.from_id, to: row.to_id, type: row.type, source: row.source as RelationSource });
  }
  return byId;
}
