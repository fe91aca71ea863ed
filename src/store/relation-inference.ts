import { inverseOf, type Relation, type RelationSource, type RelationType } from '../domain/relation-type.ts';

/**
 * Whether an edge of type `reverse` from B to A answers an edge of type `forward` from A to B.
 * Inverses are not symmetric (SPIN_OFF's other side is PARENT, PARENT's is SIDE_STORY), so
 * either direction of the mapping counts: A -PARENT-> B is answered by B -SPIN_OFF-> A as
 * well as by B -SIDE_STORY-> A, and no extra SIDE_STORY edge is invented next to a real SPIN_OFF.
 */
export function answers(forward: RelationType, reverse: RelationType): boolean {
  return reverse === inverseOf(forward) || inverseOf(reverse) === forward;
}

/** Stored type names: upper case, so `sequel` and `SEQUEL` can never be two rows. */
export function normaliseRelationType(type: string): string {
  return type.trim().toUpperCase();
}

export function edgeKey(edge: Pick<Relation, 'from' | 'to' | 'type'>): string {
  return `${edge.from}>${edge.to}>${edge.type}`;
}

/** The unordered pair an edge joins, as one key. */
export function pairKey(a: number, b: number): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export const SOURCE_RANK: Readonly<Record<RelationSource, number>> = { inferred: 0, mal: 1, anilist: 2 };

/** Which source a (from, to, type) row keeps when two claim it: AniList over MAL over inferred. */
export function sourceRank(source: string): number {
  return SOURCE_RANK[source as RelationSource] ?? 0;
}

/**
 * The inferred edges a set of upstream edges needs: for each upstream A -T-> B with no
 * upstream B -> A that answers it, B -inverseOf(T)-> A. Inferred edges are a pure function
 * of the upstream ones, so the store reaches the same rows whatever order batches arrive in.
 */
export function inferredEdgesFor(upstream: readonly Relation[]): Relation[] {
  const reverseTypes = new Map<string, RelationType[]>();
  for (const edge of upstream) {
    const key = `${edge.from}>${edge.to}`;
    const list = reverseTypes.get(key);
    if (list) list.push(edge.type);
    else reverseTypes.set(key, [edge.type]);
  }
  const needed = new Map<string, Relation>();
  for (const edge of upstream) {
    const back = reverseTypes.get(`${edge.to}>${edge.from}`) ?? [];
    if (back.some((type) => answers(edge.type, type))) continue;
    const inferred: Relation = { from: edge.to, to: edge.from, type: inverseOf(edge.type), source: 'inferred' };
    needed.set(edgeKey(inferred), inferred);
  }
  return [...needed.values()];
}
