import type { Relation, RelationSource } from '../../domain/relation-type.ts';
import { isId } from '../anime-row.ts';
import { edgeKey, normaliseRelationType, sourceRank } from '../relation-inference.ts';
import type { DroppedRelation } from '../relation-repository.ts';

const UPSTREAM_SOURCES: readonly string[] = ['anilist', 'mal'] satisfies RelationSource[];

/** Validates, normalises and de-duplicates the input; the stronger source wins a duplicate. */
export function screenRelations(relations: readonly Relation[]): { accepted: Map<string, Relation>; dropped: DroppedRelation[] } {
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
