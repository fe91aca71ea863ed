import { displayTitle, type StoredAnime } from '../domain/anime.ts';
import type { FranchisePolicy } from '../domain/franchise-policy.ts';
import { createFranchiseWalk, type FranchiseWalkResult } from '../domain/franchise-walk.ts';
import { inverseOf, type Relation, type RelationType } from '../domain/relation-type.ts';
import { releaseOrder, storyOrder } from '../domain/watch-order.ts';
import type { Store } from '../store/store.ts';
import type { FranchiseMember, FranchiseStats, FranchiseView } from './franchise-view.ts';
import { storedWalkEdges } from './stored-edges.ts';

export function emptyStats(): FranchiseStats {
  return { durationMs: 0, discoveryMs: 0, enrichmentMs: 0, upstreamRequests: { anilist: 0, jikan: 0 }, failures: [], disagreements: [] };
}

/**
 * Walks a franchise under `policy` over stored AniList edges: the same walk discovery runs
 * over the network, so the same members. Edges still waiting for their target count too,
 * so a member that is not stored (a crash, a failed fetch) shows up as a member; callers
 * tell it by its absence from the anime table. One pair of queries per hop.
 */
export async function walkStored(
  store: Pick<Store, 'relations' | 'db'>,
  rootId: number,
  policy: FranchisePolicy,
): Promise<FranchiseWalkResult> {
  const walk = createFranchiseWalk(rootId, policy);
  for (let ids = walk.pending(); ids.length > 0; ids = walk.pending()) {
    const edges = await storedWalkEdges(store, ids);
    walk.visitAll(ids.map((id) => [id, edges.get(id)] as const));
  }
  return walk.result();
}

/**
 * The stored franchise of an entry with its watch orders; null when the entry is not
 * stored. `stale` is true when a member is past its freshness TTL or a member the walk
 * reaches is not stored: either way a refresh would change what is shown.
 */
export async function readFranchise(
  store: Pick<Store, 'anime' | 'relations' | 'db'>,
  rootId: number,
  options: { policy: FranchisePolicy; now: number },
): Promise<FranchiseView | null> {
  const root = await store.anime.get(rootId);
  if (!root) return null;
  const { members: depths, truncated } = await walkStored(store, rootId, options.policy);
  const ids = [...depths.keys()];
  const [anime, relations, stale] = await Promise.all([
    store.anime.getMany(ids),
    store.relations.listAmong(ids),
    store.anime.staleIds(ids, options.now),
  ]);
  const members = anime.map((a) => toMember(a, depths.get(a.id) ?? 0));
  const anilistEdges = relations.filter((r) => r.source === 'anilist');
  return {
    franchise: { id: rootId, title: displayTitle(root.title, root.id), size: members.length, truncated, stale: stale.length > 0 },
    members,
    relations: relations.map(({ from, to, type, source }) => ({ from, to, type, source })),
    watchOrder: { release: releaseOrder(anime), story: storyOrder(anime, anilistEdges) },
    stats: { ...emptyStats(), disagreements: disagreements(relations) },
  };
}

function toMember(anime: StoredAnime, depth: number): FranchiseMember {
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
