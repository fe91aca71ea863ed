import type { FranchiseGuide } from './franchise-guide.ts';

/** The orders a franchise view carries, by name. */
export type OrderName = 'release' | 'story' | 'recommended';

export interface FranchiseScore {
  slug: string;
  name: string;
  /** Guide entries found / guide entries. */
  recall: number;
  missed: number[];
  /** Output members the guide names as another franchise's. */
  leaks: number[];
  /** Output members the guide does not mention at all (to be judged and added to the guide). */
  unjudged: number[];
  /** Kendall tau of each order against the guide's order, over the guide entries found; null under two entries. */
  tau: Record<OrderName, number | null>;
}

/**
 * Kendall's tau between two rankings of the same items (`a` and `b` hold the same ids, each
 * once): (concordant - discordant) / pairs. Orders are total, so no ties arise and this is
 * tau-a (= tau-b). Null below two items, where it is undefined.
 */
export function kendallTau(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length || new Set(a).size !== a.length || a.some((id) => !b.includes(id))) {
    throw new TypeError('Expected two rankings of the same distinct ids');
  }
  const n = a.length;
  if (n < 2) return null;
  const rankInB = new Map(b.map((id, i) => [id, i]));
  const ranks = a.map((id) => rankInB.get(id)!);
  let score = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) score += ranks[i] < ranks[j] ? 1 : -1;
  return score / ((n * (n - 1)) / 2);
}

/** Scores one discovered franchise (its member ids and orders) against its guide. */
export function scoreFranchise(
  guide: FranchiseGuide,
  output: { members: readonly number[]; orders: Partial<Record<OrderName, readonly number[]>> },
): FranchiseScore {
  const members = new Set(output.members);
  const guideOrder = guide.entries.map(([id]) => id);
  const found = guideOrder.filter((id) => members.has(id));
  const judged = new Set([...guide.entries, ...guide.notListed, ...guide.others].map(([id]) => id));
  const others = new Set(guide.others.map(([id]) => id));
  const tauOf = (order: readonly number[] | undefined): number | null => {
    if (!order) return null;
    const foundSet = new Set(found);
    return kendallTau(order.filter((id) => foundSet.has(id)), found);
  };
  return {
    slug: guide.slug,
    name: guide.name,
    recall: found.length / guideOrder.length,
    missed: guideOrder.filter((id) => !members.has(id)),
    leaks: [...members].filter((id) => others.has(id)).sort((x, y) => x - y),
    unjudged: [...members].filter((id) => !judged.has(id)).sort((x, y) => x - y),
    tau: { release: tauOf(output.orders.release), story: tauOf(output.orders.story), recommended: tauOf(output.orders.recommended) },
  };
}

export interface EvaluationSummary {
  franchises: number;
  meanRecall: number;
  leaks: number;
  unjudged: number;
  /** Mean tau of each order over the franchises where it is defined. */
  meanTau: Record<OrderName, number | null>;
}

export function summarise(scores: readonly FranchiseScore[]): EvaluationSummary {
  const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length);
  const tauMean = (name: OrderName) => mean(scores.map((s) => s.tau[name]).filter((t): t is number => t !== null));
  return {
    franchises: scores.length,
    meanRecall: mean(scores.map((s) => s.recall)) ?? 0,
    leaks: scores.reduce((n, s) => n + s.leaks.length, 0),
    unjudged: scores.reduce((n, s) => n + s.unjudged.length, 0),
    meanTau: { release: tauMean('release'), story: tauMean('story'), recommended: tauMean('recommended') },
  };
}
