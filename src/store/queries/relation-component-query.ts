import { sql } from 'kysely';
import type { Relation } from '../../domain/relation-type.ts';
import { isId } from '../anime-row.ts';
import { normaliseRelationType } from '../relation-inference.ts';
import type { Dialect, RelationTable } from '../schema.ts';
import type { StoreContext } from '../store-context.ts';
import { toRelation } from './relation-row.ts';

/** RelationRepository.componentEdges. */
export async function componentEdges(ctx: StoreContext, roots: number | readonly number[], types: readonly string[]): Promise<{ stored: Relation[]; pending: Relation[] }> {
  const typeList = [...new Set(types.map(normaliseRelationType))];
  const stored: Relation[] = [];
  const pending: Relation[] = [];
  const rootIds = [...new Set(typeof roots === 'number' ? [roots] : roots)].filter(isId);
  if (rootIds.length === 0) return { stored, pending };
  const { rows } = await componentQuery(ctx.dialect, rootIds, typeList).execute(ctx.db);
  for (const row of rows) (row.pending ? pending : stored).push(toRelation(row));
  return { stored, pending };
}

type ComponentRow = RelationTable & { pending: number };

/**
 * The walked graph is AniList's edges of the followed types in both tables, each taken in
 * either direction (the walk reads an edge both ways, and a pending edge still leads the walk
 * to an entry to fetch). UNION (not UNION ALL) on the bare id is what ends the recursion on
 * cycles (SEQUEL<->PREQUEL pairs are everywhere). The component is a superset of the
 * franchise (the crossover rule, loose links and the caps are the walk's, in code), but one
 * indexed query for it beats a pair of queries per hop; in the catalog the largest component
 * under the default policy is Gundam's 131 entries.
 *
 * Each step must be an index lookup per reached id, never a scan of the relation table.
 * SQLite plans that from one recursive SELECT per table and direction. PostgreSQL allows the
 * recursive name only once and, misjudging the CTE's size by orders of magnitude, hash-joins
 * it against full scans; a LATERAL subquery and `= any(array)` pin it to index lookups.
 */
function componentQuery(dialect: Dialect, rootIds: readonly number[], types: readonly string[]) {
  const followed = types.length > 0 ? sql.join(types) : sql`null`;
  const roots = sql.join(rootIds.map((id) => sql`select cast(${id} as bigint)`), sql` union `);
  const columns = sql`from_id, to_id, type, source`;
  const tables = ['relation', 'pending_relation'] as const;
  const directions = [['from_id', 'to_id'], ['to_id', 'from_id']] as const;
  if (dialect === 'sqlite') {
    const walked = tables.flatMap((table) =>
      directions.map(
        ([near, far]) => sql`select ${sql.ref(`${table}.${far}`)} from reach join ${sql.table(table)} on ${sql.ref(`${table}.${near}`)} = reach.id
          where ${sql.ref(`${table}.source`)} = 'anilist' and ${sql.ref(`${table}.type`)} in (${followed})`,
      ),
    );
    const touching = (table: (typeof tables)[number], flag: number) =>
      sql`select ${columns}, ${sql.lit(flag)} as pending from ${sql.table(table)} where from_id in (select id from reach)
          union select ${columns}, ${sql.lit(flag)} as pending from ${sql.table(table)} where to_id in (select id from reach)`;
    return sql<ComponentRow>`
      with recursive reach(id) as (${roots} union ${sql.join(walked, sql` union `)})
      ${touching('relation', 0)}
      union all
      ${touching('pending_relation', 1)}
      order by from_id, to_id, type`;
  }
  const walked = tables.flatMap((table) =>
    directions.map(([near, far]) => sql`select ${sql.ref(far)} as id from ${sql.table(table)} where ${sql.ref(near)} = reach.id and source = 'anilist' and type in (${followed})`),
  );
  const touching = (table: (typeof tables)[number], flag: number) =>
    sql`select ${columns}, ${sql.lit(flag)} as pending from ${sql.table(table)} where from_id = any(array(select id from reach))
        union select ${columns}, ${sql.lit(flag)} as pending from ${sql.table(table)} where to_id = any(array(select id from reach))`;
  return sql<ComponentRow>`
    with recursive reach(id) as (
      ${roots} union select e.id from reach cross join lateral (${sql.join(walked, sql` union all `)}) e
    )
    ${touching('relation', 0)}
    union all
    ${touching('pending_relation', 1)}
    order by from_id, to_id, type`;
}
