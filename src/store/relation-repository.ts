import { sql, type Expression } from 'kysely';
import type { Relation, RelationSource } from '../domain/relation-type.ts';
import { isId } from './anime-row.ts';
import { chunk, IDS_PER_QUERY, ROWS_PER_INSERT } from './chunk.ts';
import { edgeKey, inferredEdgesFor, normaliseRelationType, pairKey, SOURCE_RANK, sourceRank } from './relation-inference.ts';
import type { Dialect, RelationTable } from './schema.ts';
import { lockWrites, withTransaction, type StoreContext } from './store-context.ts';

export interface DroppedRelation {
  edge: Relation;
  reason: string;
}

export interface RelationUpsertResult {
  /** Upstream edges of the input now in the relation table (new, upgraded from inferred, or already there). */
  stored: number;
  /** Inverse edges this call added because upstream gave only one side. */
  inferred: number;
  /** Input edges kept aside because an endpoint is not stored yet. */
  pending: number;
  /** Edges kept aside earlier and moved into the relation table now that both ends are stored. */
  promoted: number;
  /** Input edges refused, each with why (self-loops, bad ids, duplicates within the call). */
  dropped: DroppedRelation[];
}

export interface UpsertRelationsOptions {
  /** Also promote pending edges touching these anime ids (the ones just stored). */
  promotePendingOf?: readonly number[];
}

export interface RelationRepository {
  /**
   * Stores upstream edges and keeps inverses consistent: an edge whose reverse upstream did
   * not give gets an inferred one; an inferred row never replaces an AniList or MAL one and
   * is replaced by an upstream edge with the same key. Edges to entries not stored yet wait
   * in pending_relation; waiting edges touching the input's ends (or `promotePendingOf`)
   * whose two ends are now stored are moved in. Runs in one transaction (the caller's, if any).
   */
  upsertMany(relations: readonly Relation[], options?: UpsertRelationsOptions): Promise<RelationUpsertResult>;
  /** Every stored edge leaving one of `ids`. */
  listFrom(ids: readonly number[]): Promise<Relation[]>;
  /** Every stored edge entering one of `ids`, ordered like listFrom: what other entries say about them. */
  listTo(ids: readonly number[]): Promise<Relation[]>;
  /** Edges waiting for an endpoint. */
  listPending(): Promise<Relation[]>;
  /** Edges waiting for their target that leave one of `ids`, ordered like listFrom. */
  listPendingFrom(ids: readonly number[]): Promise<Relation[]>;
  /**
   * Every edge (any type, any source) leaving or entering an entry reachable from `roots`
   * over AniList edges of `types` taken in either direction, stored or still waiting for
   * their target, in one query: what a franchise walk and its view read, with no round trip
   * per hop. `stored` are relation rows, `pending` pending_relation rows, each ordered by
   * (from, to, type).
   */
  componentEdges(roots: number | readonly number[], types: readonly string[]): Promise<{ stored: Relation[]; pending: Relation[] }>;
}

const UPSTREAM_SOURCES: readonly string[] = ['anilist', 'mal'] satisfies RelationSource[];

function toRelation(row: RelationTable): Relation {
  return { from: row.from_id, to: row.to_id, type: row.type, source: row.source as RelationSource };
}

function toRow(edge: Relation): RelationTable {
  return { from_id: edge.from, to_id: edge.to, type: edge.type, source: edge.source };
}

/** Validates, normalises and de-duplicates the input; the stronger source wins a duplicate. */
function screen(relations: readonly Relation[]): { accepted: Map<string, Relation>; dropped: DroppedRelation[] } {
  const accepted = new Map<string, Relation>();
  const dropped: DroppedRelation[] = [];
  for (const edge of relations) {
    const reason = edgeProblem(edge);
    if (reason) {
      dropped.push({ edge, reason });
      continue;
    }
    const clean: Relation = { from: edge.from, to: edge.to, type: normaliseRelationType(edge.type), source: edge.source };
    const key = edgeKey(clean);
    const earlier = accepted.get(key);
    if (earlier === undefined) {
      accepted.set(key, clean);
    } else if (sourceRank(clean.source) > sourceRank(earlier.source)) {
      accepted.set(key, clean);
      dropped.push({ edge: earlier, reason: `duplicate edge in the same call; the ${clean.source} one is kept` });
    } else {
      dropped.push({ edge, reason: 'duplicate edge in the same call' });
    }
  }
  return { accepted, dropped };
}

function edgeProblem(edge: Relation): string | undefined {
  if (!edge || !isId(edge.from) || !isId(edge.to)) return 'from and to must be positive safe integers';
  if (typeof edge.type !== 'string' || !normaliseRelationType(edge.type)) return 'empty relation type';
  if (!UPSTREAM_SOURCES.includes(edge.source)) {
    return edge.source === 'inferred'
      ? 'inferred edges are derived by the store, not accepted from callers'
      : `unknown source ${JSON.stringify(edge.source)}`;
  }
  // AniList has a handful of entries listing themselves (15 in the catalog): noise, and
  // an entry that is its own sequel would only confuse watch orders and graph drawings.
  if (edge.from === edge.to) return 'self-loop (an entry related to itself)';
  return undefined;
}

export function createRelationRepository(ctx: StoreContext): RelationRepository {
  const { db } = ctx;

  async function existingIds(c: StoreContext, ids: readonly number[]): Promise<Set<number>> {
    const found = new Set<number>();
    for (const part of chunk(ids, IDS_PER_QUERY)) {
      const rows = await c.db.selectFrom('anime').select('id').where('id', 'in', part).execute();
      for (const row of rows) found.add(row.id);
    }
    return found;
  }

  /** Pending edges with an end in `ids` (whether or not the other end is stored yet). */
  async function pendingTouching(c: StoreContext, ids: readonly number[]): Promise<Relation[]> {
    const found = new Map<string, Relation>();
    for (const part of chunk(ids, IDS_PER_QUERY)) {
      // No EXISTS (anime) here: while a bulk import runs the tables have no planner
      // statistics yet, and PostgreSQL turned those semi-joins into two full scans of
      // anime per batch (17 ms of a 25 ms batch). The caller checks the ends instead.
      const rows = await c.db
        .selectFrom('pending_relation')
        .selectAll()
        .where((eb) => eb.or([eb('from_id', 'in', part), eb('to_id', 'in', part)]))
        .execute();
      for (const row of rows) found.set(edgeKey(toRelation(row)), toRelation(row));
    }
    return [...found.values()];
  }

  async function insert(c: StoreContext, table: 'relation' | 'pending_relation', edges: Relation[]): Promise<void> {
    for (const part of chunk(edges, ROWS_PER_INSERT)) {
      await c.db
        .insertInto(table)
        .values(part.map(toRow))
        .onConflict((oc) =>
          oc
            .columns(['from_id', 'to_id', 'type'])
            .doUpdateSet((eb) => ({ source: eb.ref('excluded.source') }))
            // Only a stronger source replaces a row: AniList over MAL over inferred.
            .where((eb) => eb(rankOf(eb.ref(`${table}.source`)), '<', rankOf(eb.ref('excluded.source')))),
        )
        .execute();
    }
  }

  async function deleteEdges(c: StoreContext, table: 'relation' | 'pending_relation', edges: Relation[]): Promise<void> {
    for (const part of chunk(edges, ROWS_PER_INSERT)) {
      await c.db
        .deleteFrom(table)
        .where((eb) => eb.or(part.map((e) => eb.and({ from_id: e.from, to_id: e.to, type: e.type }))))
        .execute();
    }
  }

  /** Brings the inferred edges between every pair `edges` touches in line with the upstream ones there. */
  async function reconcileInferred(c: StoreContext, edges: readonly Relation[]): Promise<number> {
    if (edges.length === 0) return 0;
    const pairs = new Set(edges.map((e) => pairKey(e.from, e.to)));
    const ids = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
    const inPair = new Map<string, Relation[]>();
    for (const part of chunk(ids, IDS_PER_QUERY)) {
      const rows = await c.db.selectFrom('relation').selectAll().where('from_id', 'in', part).execute();
      for (const row of rows) {
        const key = pairKey(row.from_id, row.to_id);
        if (!pairs.has(key)) continue;
        const list = inPair.get(key);
        if (list) list.push(toRelation(row));
        else inPair.set(key, [toRelation(row)]);
      }
    }
    const toInsert: Relation[] = [];
    const toDelete: Relation[] = [];
    for (const rows of inPair.values()) {
      const present = new Set(rows.map(edgeKey));
      const needed = inferredEdgesFor(rows.filter((r) => r.source !== 'inferred'));
      const neededKeys = new Set(needed.map(edgeKey));
      toInsert.push(...needed.filter((e) => !present.has(edgeKey(e))));
      toDelete.push(...rows.filter((r) => r.source === 'inferred' && !neededKeys.has(edgeKey(r))));
    }
    if (toDelete.length) await deleteEdges(c, 'relation', toDelete);
    if (toInsert.length) await insert(c, 'relation', toInsert);
    return toInsert.length;
  }

  async function listWhereFrom(ids: readonly number[], end: 'from_id' | 'to_id' = 'from_id'): Promise<Relation[]> {
    const out: Relation[] = [];
    for (const part of chunk([...new Set(ids)], IDS_PER_QUERY)) {
      const rows = await db
        .selectFrom('relation')
        .selectAll()
        .where(end, 'in', part)
        .orderBy('from_id')
        .orderBy('to_id')
        .orderBy('type')
        .execute();
      out.push(...rows.map(toRelation));
    }
    return out;
  }

  return {
    upsertMany(relations, options = {}) {
      return withTransaction(ctx, async (c) => {
        await lockWrites(c);
        const { accepted, dropped } = screen(relations);
        for (const { edge, reason } of dropped) {
          const level = reason.startsWith('duplicate') ? 'debug' : 'warn';
          c.logger[level]({ edge, reason }, 'relation dropped');
        }
        const endpoints = [...accepted.values()].flatMap((e) => [e.from, e.to]);
        const waiting = await pendingTouching(c, [...new Set([...endpoints, ...(options.promotePendingOf ?? [])])]);
        const stored = await existingIds(c, [...new Set([...endpoints, ...waiting.flatMap((e) => [e.from, e.to])])]);
        const bothStored = (e: Relation) => stored.has(e.from) && stored.has(e.to);
        const ready = new Map<string, Relation>();
        const parked: Relation[] = [];
        for (const [key, edge] of accepted) {
          if (bothStored(edge)) ready.set(key, edge);
          else parked.push(edge);
        }
        const promoted = waiting.filter(bothStored);
        const stronger = (e: Relation) => {
          const same = ready.get(edgeKey(e));
          return same === undefined || sourceRank(e.source) > sourceRank(same.source);
        };
        for (const edge of promoted) if (stronger(edge)) ready.set(edgeKey(edge), edge);

        if (promoted.length) await deleteEdges(c, 'pending_relation', promoted);
        if (parked.length) await insert(c, 'pending_relation', parked);
        const readyList = [...ready.values()];
        if (readyList.length) await insert(c, 'relation', readyList);
        const inferred = await reconcileInferred(c, readyList);
        const promotedOnly = promoted.filter((e) => !accepted.has(edgeKey(e))).length;
        return { stored: accepted.size - parked.length, inferred, pending: parked.length, promoted: promotedOnly, dropped };
      });
    },

    listFrom: (ids) => listWhereFrom(ids),

    listTo: async (ids) => (await listWhereFrom(ids, 'to_id')).sort((a, b) => a.from - b.from || a.to - b.to || a.type.localeCompare(b.type)),

    async listPending() {
      const rows = await db.selectFrom('pending_relation').selectAll().orderBy('from_id').orderBy('to_id').orderBy('type').execute();
      return rows.map(toRelation);
    },

    async listPendingFrom(ids) {
      const out: Relation[] = [];
      for (const part of chunk([...new Set(ids)], IDS_PER_QUERY)) {
        const rows = await db
          .selectFrom('pending_relation')
          .selectAll()
          .where('from_id', 'in', part)
          .orderBy('from_id')
          .orderBy('to_id')
          .orderBy('type')
          .execute();
        out.push(...rows.map(toRelation));
      }
      return out;
    },

    async componentEdges(roots, types) {
      const typeList = [...new Set(types.map(normaliseRelationType))];
      const stored: Relation[] = [];
      const pending: Relation[] = [];
      const rootIds = [...new Set(typeof roots === 'number' ? [roots] : roots)].filter(isId);
      if (rootIds.length === 0) return { stored, pending };
      const { rows } = await componentQuery(ctx.dialect, rootIds, typeList).execute(db);
      for (const row of rows) (row.pending ? pending : stored).push(toRelation(row));
      return { stored, pending };
    },
  };
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

/** sourceRank in SQL, so the decision is made against the row as it is at write time. */
function rankOf(source: Expression<string>): Expression<number> {
  const cases = Object.entries(SOURCE_RANK).map(([name, rank]) => sql`when ${sql.lit(name)} then ${sql.lit(rank)}`);
  return sql<number>`(case ${source} ${sql.join(cases, sql` `)} else 0 end)`;
}
