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
