import type { FranchiseMember, FranchiseView } from '../../../src/ingest/franchise-view.ts';
import { inverseOf, isKnownRelationType, type RelationSource, type RelationType } from '../../../src/domain/relation-type.ts';

/** One drawn edge per related pair: `to` is `from`'s `type`, read "forwards" (parent to child, earlier to later). */
export interface GraphEdge {
  id: string;
  from: number;
  to: number;
  type: RelationType;
  /** Only MyAnimeList has this edge; AniList does not (drawn dashed). */
  malOnly: boolean;
}

export interface GraphModel {
  nodes: FranchiseMember[];
  edges: GraphEdge[];
  rootId: number;
}

// The store keeps both directions of every relation; a drawing needs one. These are the
// types that point from the earlier or parent entry to the later or dependent one.
const FORWARD = new Set<RelationType>(['SEQUEL', 'SIDE_STORY', 'SPIN_OFF', 'SUMMARY', 'COMPILATION', 'ADAPTATION']);
const SYMMETRIC = new Set<RelationType>(['ALTERNATIVE', 'CHARACTER', 'OTHER']);
// When the two sides of a pair name different types, the more specific one is drawn.
const PRIORITY: RelationType[] = ['SEQUEL', 'SIDE_STORY', 'SPIN_OFF', 'SUMMARY', 'COMPILATION', 'ALTERNATIVE', 'ADAPTATION', 'CHARACTER', 'OTHER'];

interface Candidate {
  from: number;
  to: number;
  type: RelationType;
  source: RelationSource;
  /** Stated by upstream in this direction, rather than turned around from its inverse. */
  direct: boolean;
}

export function buildGraphModel(view: FranchiseView): GraphModel {
  const members = new Map(view.members.map((m) => [m.id, m]));
  const pairs = new Map<string, Candidate[]>();
  for (const relation of view.relations) {
    if (relation.from === relation.to || !members.has(relation.from) || !members.has(relation.to)) continue;
    const candidate = orient(relation, members);
    const key = `${Math.min(relation.from, relation.to)}-${Math.max(relation.from, relation.to)}`;
    const list = pairs.get(key);
    if (list) list.push(candidate);
    else pairs.set(key, [candidate]);
  }
  const edges: GraphEdge[] = [];
  for (const candidates of pairs.values()) {
    const trusted = candidates.filter((c) => c.source !== 'mal');
    const best = pickBest(trusted.length > 0 ? trusted : candidates);
    edges.push({ id: `${best.from}>${best.to}`, from: best.from, to: best.to, type: best.type, malOnly: trusted.length === 0 });
  }
  edges.sort((a, b) => a.from - b.from || a.to - b.to);
  return { nodes: view.members, edges, rootId: view.franchise.id };
}

function orient(
  relation: { from: number; to: number; type: RelationType; source: RelationSource },
  members: Map<number, FranchiseMember>,
): Candidate {
  const { from, to, type, source } = relation;
  if (FORWARD.has(type) || !isKnownRelationType(type)) return { from, to, type, source, direct: true };
  if (SYMMETRIC.has(type)) {
    // Neither side is the parent: draw from the one nearer the root, then the older id.
    const a = members.get(from)!;
    const b = members.get(to)!;
    const aFirst = a.depth < b.depth || (a.depth === b.depth && a.id < b.id);
    return aFirst ? { from, to, type, source, direct: true } : { from: to, to: from, type, source, direct: true };
  }
  return { from: to, to: from, type: inverseOf(type), source, direct: false };
}

function pickBest(candidates: Candidate[]): Candidate {
  const rank = (c: Candidate) => {
    const p = PRIORITY.indexOf(c.type);
    return (c.direct ? 0 : 100) + (p === -1 ? PRIORITY.length : p);
  };
  return candidates.reduce((best, c) => (rank(c) < rank(best) ? c : best));
}
