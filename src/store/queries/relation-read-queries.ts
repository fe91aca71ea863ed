import type { Relation } from '../../domain/relation-type.ts';
import { selectIn } from '../chunk.ts';
import { normaliseRelationType } from '../relation-inference.ts';
import type { StoreContext } from '../store-context.ts';
import { toRelation } from './relation-row.ts';

/** Stored edges with `end` in `ids` (of `types`, when given), ordered by (from, to, type) within each IN list. */
function listWhere({ db }: StoreContext, ids: readonly number[], end: 'from_id' | 'to_id', types?: readonly string[]): Promise<Relation[]> {
  return selectIn(ids, async (part) => {
    const rows = await db
      .selectFrom('relation')
      .selectAll()
      .where(end, 'in', part)
      .$if(types !== undefined, (qb) => qb.where('type', 'in', types!))
      .orderBy('from_id')
      .orderBy('to_id')
      .orderBy('type')
      .execute();
    return rows.map(toRelation);
  });
}

export function listRelationsFrom(ctx: StoreContext, ids: readonly number[]): Promise<Relation[]> {
  return listWhere(ctx, ids, 'from_id');
}

export async function listRelationsTo(ctx: StoreContext, ids: readonly number[]): Promise<Relation[]> {
  return (await listWhere(ctx, ids, 'to_id')).sort((a, b) => a.from - b.from || a.to - b.to || a.type.localeCompare(b.type));
}

export async function listRelationsAmong(ctx: StoreContext, ids: readonly number[]): Promise<Relation[]> {
  const wanted = new Set(ids);
  return (await listWhere(ctx, ids, 'from_id')).filter((e) => wanted.has(e.to));
}

export async function reachableRelations(ctx: StoreContext, rootId: number, types: readonly string[], limit: number): Promise<Relation[]> {
  const typeList = [...new Set(types.map(normaliseRelationType))];
  if (typeList.length === 0 || limit < 1) return [];
  const visited = new Set([rootId]);
  const collected: Relation[] = [];
  let frontier = [rootId];
  // One query per hop: franchises are shallow (tens of hops at most), and each hop's
  // frontier goes out in a single IN list, so this beats a recursive CTE that could not
  // stop at `limit` deterministically on both dialects.
  while (frontier.length > 0) {
    const edges = await listWhere(ctx, frontier, 'from_id', typeList);
    collected.push(...edges);
    const next: number[] = [];
    for (const id of [...new Set(edges.map((e) => e.to))].sort((a, b) => a - b)) {
      if (visited.has(id) || visited.size >= limit) continue;
      visited.add(id);
      next.push(id);
    }
    frontier = next;
  }
  return collected.filter((e) => visited.has(e.to));
}

export async function listPendingRelations({ db }: StoreContext): Promise<Relation[]> {
  const rows = await db.selectFrom('pending_relation').selectAll().orderBy('from_id').orderBy('to_id').orderBy('type').execute();
  return rows.map(toRelation);
}

export function listPendingRelationsFrom({ db }: StoreContext, ids: readonly number[]): Promise<Relation[]> {
  return selectIn(ids, async (part) => {
    const rows = await db
      .selectFrom('pending_relation')
      .selectAll()
      .where('from_id', 'in', part)
      .orderBy('from_id')
      .orderBy('to_id')
      .orderBy('type')
      .execute();
    return rows.map(toRelation);
  });
}
