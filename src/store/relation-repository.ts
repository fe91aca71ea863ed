import type { Relation } from '../domain/relation-type.ts';
import { componentEdges } from './queries/relation-component-query.ts';
import {
  listPendingRelations,
  listPendingRelationsFrom,
  listRelationsFrom,
  listRelationsTo,
} from './queries/relation-read-queries.ts';
import { upsertRelations } from './queries/relation-write-queries.ts';
import type { StoreContext } from './store-context.ts';

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

/** Each method is one named query in ./queries/, run on this context's handle. */
export function createRelationRepository(ctx: StoreContext): RelationRepository {
  return {
    upsertMany: (relations, options) => upsertRelations(ctx, relations, options),
    listFrom: (ids) => listRelationsFrom(ctx, ids),
    listTo: (ids) => listRelationsTo(ctx, ids),
    listPending: () => listPendingRelations(ctx),
    listPendingFrom: (ids) => listPendingRelationsFrom(ctx, ids),
    componentEdges: (roots, types) => componentEdges(ctx, roots, types),
  };
}
