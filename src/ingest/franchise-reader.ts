import { displayTitle } from '../domain/anime.ts';
import { freshnessTtlMs, isStale } from '../domain/freshness.ts';
import type { FranchisePolicy } from '../domain/franchise-policy.ts';
import { createFranchiseWalk, UNKNOWN_TITLES, type FranchiseWalkResult } from '../domain/franchise-walk.ts';
import { inverseOf, type Relation, type RelationType } from '../domain/relation-type.ts';
import { recommendedOrder, type OrderEntry } from '../domain/recommended-order.ts';
import { releaseOrder, storyOrder } from '../domain/watch-order.ts';
import type { AnimeSummary } from '../store/anime-repository.ts';
import type { Store } from '../store/store.ts';
import type { FranchiseMember, FranchiseStats, FranchiseView } from './franchise-view.ts';

export function emptyStats(): FranchiseStats {
  return { durationMs: 0, discoveryMs: 0, enrichmentMs: 0, upstreamRequests: { anilist: 0, jikan: 0 }, failures: [], disagreements: [] };
}

/** Jobs whose stats describe stored data: a failed or cancelled run's are not what is shown. */
const STATS_STATUSES = ['succeeded', 'partial'] as const;

/**
 * Walks a franchise under `policy` over the stored AniList edges, each read both ways: the
 * same walk discovery runs over the network, so the same members. Edges still waiting for
 * their target count too, so a member that is not stored (a crash, a failed fetch) shows up
 * as a member; callers tell it by its absence from the anime table. One query loads the
 * stored component (see RelationRepository.componentEdges) and one its entries; the walk runs
 * in memory and asks for more only when it reaches past the component (an OTHER link to
 * another component, judged by titles), one more pair of queries per such step.
 */
export async function walkStored(store: Pick<Store, 'relations' | 'anime'>, rootId: number, policy: FranchisePolicy): Promise<FranchiseWalkResult> {
  return (await loadStored(store, rootId, policy)).walk;
}

async function loadStored(store: Pick<Store, 'relations' | 'anime'>, rootId: number, policy: FranchisePolicy) {
  const walk = createFranchiseWalk(rootId, policy);
  // An edge is walked both ways, so the component follows each type and its inverse.
  const types = [...new Set([...policy.follow].flatMap((type) => [type, inverseOf(type)]))];
  const edgesOf = new Map<number, Relation[]>();
  const seen = new Set<string>();
  const stored: Relation[] = [];
  const anime = new Map<number, AnimeSummary>();
  /** Entries whose every stored edge is loaded. */
  const loaded = new Set<number>();
  const visited = new Set<number>();
  const attach = (id: number, edge: Relation) => {
    const list = edgesOf.get(id);
    if (list) list.push(edge);
    else edgesOf.set(id, [edge]);
  };
  for (let ids = walk.pending(); ids.length > 0; ids = walk.pending()) {
    const roots = ids.filter((id) => !loaded.has(id));
    if (roots.length > 0) {
      const component = await store.relations.componentEdges(roots, types);
      for (const [list, waiting] of [[component.stored, false], [component.pending, true]] as const) {
        for (const edge of list) {
          const key = `${waiting ? 'p' : 's'}${edge.from}>${edge.to}>${edge.type}>${edge.source}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (!waiting) stored.push(edge);
          attach(edge.from, edge);
          if (edge.to !== edge.from) attach(edge.to, edge);
        }
      }
      const reached = reach(roots, [...component.stored, ...component.pending], new Set(types));
      for (const id of reached) loaded.add(id);
      for (const summary of await store.anime.getSummaries([...reached].filter((id) => !anime.has(id)))) anime.set(summary.id, summary);
    }
    // Everything loaded goes in at once (the walk uses an entry only once it reaches it): one
    // walk per load rather than one per level.
    const visits = [...new Set([...ids, ...loaded])].filter((id) => !visited.has(id));
    for (const id of visits) visited.add(id);
    walk.visitAll(
      visits.map((id) => {
        const summary = anime.get(id);
        // An entry without edges is still known (stored, or waiting to be): an empty list rather than undefined.
        return [id, { edges: edgesOf.get(id) ?? [], titles: summary?.title ?? UNKNOWN_TITLES, format: summary?.format ?? null, startDate: summary?.startDate ?? null }] as const;
      }),
    );
  }
  return { walk: walk.result(), stored, anime };
}

/** The entries componentEdges reached from `roots`: its recursion, replayed over the edges it returned. */
function reach(roots: readonly number[], edges: readonly Relation[], types: ReadonlySet<string>): Set<number> {
  const next = new Map<number, number[]>();
  const link = (a: number, b: number) => {
    const list = next.get(a);
    if (list) list.push(b);
    else next.set(a, [b]);
  };
  for (const edge of edges) {
    if (edge.source !== 'anilist' || !types.has(edge.type)) continue;
    link(edge.from, edge.to);
    link(edge.to, edge.from);
  }
  const reached = new Set(roots);
  for (let level = [...roots]; level.length > 0; ) {
    const found: number[] = [];
    for (const id of level) for (const to of next.get(id) ?? []) if (!reached.has(to)) (reached.add(to), found.push(to));
    level = found;
  }
  return reached;
}

export interface ReadFranchiseOptions {
  policy: FranchisePolicy;
  /** Now, ms since epoch: decides which members are stale. */
  now: number;
  /**
   * What follows `franchise:<id>` in the dedupe key of this policy's ingest jobs ('' for the
   * default policy): stats come from the last such job of any member. Default ''.
   */
  jobKeySuffix?: string;
  /** A fresh synced catalog holds the franchise (src/sync/mirror-freshness.ts): never stale then. */
  mirrored?: boolean;
}

/**
 * The stored franchise of an entry with its watch orders; null when the entry is not
 * stored. `stale` is true when a member is past its freshness TTL or a member the walk
 * reaches is not stored: either way a refresh would change what is shown. `stats` are those
 * of the last succeeded or partial ingest job keyed by any member (a job's key names the
 * lowest member when it started, which may have changed since), with this read's
 * disagreements; zeros when no such job is stored. Three queries (see walkStored for when
 * more): the component's edges, its entries' columns the view shows, the job.
 */
export async function readFranchise(
  store: Pick<Store, 'anime' | 'relations' | 'jobs'>,
  rootId: number,
  options: ReadFranchiseOptions,
): Promise<FranchiseView | null> {
  return (await readStoredFranchise(store, rootId, options))?.view ?? null;
}

/** A franchise view with how long it holds while nothing is written. */
export interface StoredFranchise {
  view: FranchiseView;
  /**
   * ms since epoch when a member passes its freshness TTL and `stale` turns true with no
   * write; Infinity when the view is stale already (only a write makes it fresh again).
   */
  freshUntil: number;
  /**
   * Whether every entry the stored edges reach is stored (or a fresh synced catalog answers):
   * when not, an import under way has stored only its early batches. `importKeys` are the
   * dedupe keys such an import would hold (`firstImportOf` looks for it).
   */
  complete: boolean;
  importKeys: string[];
}

/** readFranchise, with when its answer would change by time alone (what a read cache needs). */
export async function readStoredFranchise(
  store: Pick<Store, 'anime' | 'relations' | 'jobs'>,
  rootId: number,
  options: ReadFranchiseOptions,
): Promise<StoredFranchise | null> {
  const { walk, stored, anime: summaries } = await loadStored(store, rootId, options.policy);
  const { members: depths, truncated } = walk;
  const ids = [...depths.keys()];
  const suffix = options.jobKeySuffix ?? '';
  const anime = ids.flatMap((id) => summaries.get(id) ?? []);
  const importKeys = ids.map((id) => `franchise:${id}${suffix}`);
  const job = await store.jobs.findLatestFinished(importKeys, STATS_STATUSES);
  const root = anime.find((a) => a.id === rootId);
  if (!root) return null;
  const members = anime.map((a) => toMember(a, depths.get(a.id) ?? 0));
  const relations = stored.filter((r) => depths.has(r.from) && depths.has(r.to));
  const anilistEdges = relations.filter((r) => r.source === 'anilist');
  const stale = !options.mirrored && (anime.length < ids.length || anime.some((a) => isStale(a.status, a.fetchedAt, options.now)));
  // Kept until a member passes its freshness limit; a view answered from a fresh mirror is read
  // again after a minute, so the mirror's own lapse (SYNC_FRESH_MINUTES) shows.
  const freshUntil = options.mirrored
    ? options.now + 60_000
    : stale
      ? Number.POSITIVE_INFINITY
      : Math.min(...anime.map((a) => a.fetchedAt + freshnessTtlMs(a.status)));
  const view: FranchiseView = {
    franchise: { id: rootId, title: displayTitle(root.title, root.id), size: members.length, truncated, stale },
    members,
    relations: relations.map(({ from, to, type, source }) => ({ from, to, type, source })),
    watchOrder: { recommended: recommendedOrder(anime.map(orderEntry), anilistEdges), release: releaseOrder(anime), story: storyOrder(anime, anilistEdges) },
    stats: { ...jobStats(job?.result), disagreements: disagreements(relations) },
  };
  return { view, freshUntil, complete: anime.length === ids.length || options.mirrored === true, importKeys };
}

/** A stored job's stats, or zeros; results written before stats existed fall back field by field. */
function jobStats(result: unknown): FranchiseStats {
  const stats = (result as { stats?: Partial<FranchiseStats> } | null | undefined)?.stats;
  const zero = emptyStats();
  if (!stats || typeof stats !== 'object') return zero;
  return {
    durationMs: stats.durationMs ?? zero.durationMs,
    discoveryMs: stats.discoveryMs ?? zero.discoveryMs,
    enrichmentMs: stats.enrichmentMs ?? zero.enrichmentMs,
    upstreamRequests: stats.upstreamRequests ?? zero.upstreamRequests,
    failures: stats.failures ?? zero.failures,
  };
}

function orderEntry(anime: AnimeSummary): OrderEntry {
  return {
    id: anime.id,
    format: anime.format,
    startDate: anime.startDate,
    title: displayTitle(anime.title, anime.id),
    titles: anime.title,
    episodes: anime.episodes,
    duration: anime.duration,
    popularity: anime.popularity,
    averageScore: anime.averageScore,
    malScore: anime.mal?.score ?? null,
    tags: anime.tags,
    genres: anime.genres,
  };
}

function toMember(anime: AnimeSummary, depth: number): FranchiseMember {
  return {
    id: anime.id,
    idMal: anime.idMal,
    title: displayTitle(anime.title, anime.id),
    titles: { romaji: anime.title.romaji, english: anime.title.english, native: anime.title.native },
    format: anime.format,
    status: anime.status,
    startDate: anime.startDate,
    season: anime.season,
    seasonYear: anime.seasonYear,
    episodes: anime.episodes,
    depth,
    averageScore: anime.averageScore,
    malScore: anime.mal?.score ?? null,
    malStatus: anime.mal?.status ?? null,
    coverImage: anime.coverImage,
    coverColor: anime.coverColor,
    description: anime.description,
  };
}

/**
 * MAL edges AniList does not state. The store keeps one row per (from, to, type), the
 * stronger source winning, so a MAL row is always one AniList lacks; AniList's side of a
 * pair is its own edges plus the inverses of its edges the other way (what AniList implies).
 * An AniList edge MAL lacks cannot be told from agreement (agreement stores no MAL row),
 * so only MAL's extra or differently typed edges are listed.
 */
export function disagreements(relations: readonly Relation[]): NonNullable<FranchiseStats['disagreements']> {
  const anilist = new Map<string, RelationType[]>();
  const add = (from: number, to: number, type: RelationType) => {
    const key = `${from}>${to}`;
    const list = anilist.get(key);
    if (!list) anilist.set(key, [type]);
    else if (!list.includes(type)) list.push(type);
  };
  for (const r of relations) {
    if (r.source !== 'anilist') continue;
    add(r.from, r.to, r.type);
    add(r.to, r.from, inverseOf(r.type));
  }
  const out: NonNullable<FranchiseStats['disagreements']> = [];
  for (const r of relations) {
    if (r.source !== 'mal') continue;
    const theirs = anilist.get(`${r.from}>${r.to}`) ?? [];
    if (theirs.includes(r.type)) continue;
    out.push({ from: r.from, to: r.to, anilist: theirs[0] ?? null, mal: r.type });
  }
  return out.sort((a, b) => a.from - b.from || a.to - b.to);
}
