import { sql, type Expression } from 'kysely';
import type { Relation } from '../../domain/relation-type.ts';
import { chunk, IDS_PER_QUERY, ROWS_PER_INSERT } from '../chunk.ts';
import { edgeKey, inferredEdgesFor, pairKey, SOURCE_RANK, sourceRank } from '../relation-inference.ts';
import type { RelationUpsertResult, UpsertRelationsOptions } from '../relation-repository.ts';
import { lockWrites, withTransaction, type StoreContext } from '../store-context.ts';
import { toRelation, toRow } from './relation-row.ts';
import { screenRelations } from './relation-screen.ts';

/** RelationRepository.upsertMany. */
export function upsertRelations(ctx: StoreContext, relations: readonly Relation[], options: UpsertRelationsOptions = {}): Promise<RelationUpsertResult> {
  return withTransaction(ctx, async (c) => {
    await lockWrites(c);
    const { accepted, dropped } = screenRelations(relations);
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
}

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

/** sourceRank in SQL, so the decision is made against the row as it is at write time. */
function rankOf(source: Expression<string>): Expression<number> {
  const cases = Object.entries(SOURCE_RANK).map(([name, rank]) => sql`when ${sql.lit(name)} then ${sql.lit(rank)}`);
  return sql<number>`(case ${source} ${sql.join(cases, sql` `)} else 0 end)`;
}
