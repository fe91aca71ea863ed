import type { FuzzyDate } from './anime.ts';
import type { Relation } from './relation-type.ts';
import { stronglyConnected } from './strongly-connected.ts';

/** What ordering needs of a franchise member. */
export interface WatchEntry {
  id: number;
  format: string | null;
  startDate: FuzzyDate | null;
}

/**
 * Formats within one start date: the series itself first, then its shorter and web
 * versions, then films (often the story's next step), OVAs, specials, and music videos,
 * which are extras; formats not listed come last.
 */
export const FORMAT_ORDER: readonly string[] = ['TV', 'TV_SHORT', 'ONA', 'MOVIE', 'OVA', 'SPECIAL', 'MUSIC'];

/**
 * Release order: start year, month, day, where an unknown part sorts after every known
 * value of that part under the same known prefix (2013-?-? after 2013-12-31) and an entry
 * with no start year comes last; then FORMAT_ORDER, then id.
 */
export function compareRelease(a: WatchEntry, b: WatchEntry): number {
  const ka = releaseKey(a);
  const kb = releaseKey(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}

export function releaseOrder(members: readonly WatchEntry[]): number[] {
  return unique(members).sort(compareRelease).map((entry) => entry.id);
}

/**
 * Story order, the chronological one (in-story time as AniList's relations tell it, not what
 * a watch guide recommends; see recommended-order.ts for that): every PREQUEL/SEQUEL chain in sequence; a side story, spin-off, summary or
 * compilation right after its parent (after the last of them when it has several), with
 * its own sequels following it; an alternative version right after the earlier-released
 * version it retells. Where nothing decides, release order does. Contradictory upstream
 * data (SEQUEL<->SEQUEL pairs, longer loops) keeps only the edges that agree with release
 * order inside each loop; self-loops and edges to non-members are ignored. Every member
 * appears exactly once.
 */
export function storyOrder(
  members: readonly WatchEntry[],
  relations: readonly Pick<Relation, 'from' | 'to' | 'type'>[],
): number[] {
  const entries = unique(members).sort(compareRelease);
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const graph = breakCycles(constraints(byId, relations), entries);

  const waitingOn = new Map(entries.map((entry) => [entry.id, 0]));
  for (const after of graph.values()) for (const id of after.keys()) waitingOn.set(id, waitingOn.get(id)! + 1);

  // Depth-first over what each emitted entry frees, attached entries before chain
  // successors: that is what puts a side story (and its own chain) right after its parent.
  const order: number[] = [];
  const stack = entries.filter((entry) => waitingOn.get(entry.id) === 0).reverse();
  while (stack.length > 0) {
    const entry = stack.pop()!;
    order.push(entry.id);
    const freed: [WatchEntry, Kind][] = [];
    for (const [id, kind] of graph.get(entry.id) ?? []) {
      const left = waitingOn.get(id)! - 1;
      waitingOn.set(id, left);
      if (left === 0) freed.push([byId.get(id)!, kind]);
    }
    freed.sort(([a, ka], [b, kb]) => (ka === kb ? compareRelease(a, b) : ka === 'attach' ? -1 : 1));
    for (let i = freed.length - 1; i >= 0; i--) stack.push(freed[i][0]);
  }
  return order;
}

/** Chain: a sequel after its prequel. Attach: an entry placed right after another (its parent, its original). */
type Kind = 'chain' | 'attach';
/** before -> (after -> kind) */
type Constraints = Map<number, Map<number, Kind>>;

function constraints(byId: Map<number, WatchEntry>, relations: readonly Pick<Relation, 'from' | 'to' | 'type'>[]): Constraints {
  const graph: Constraints = new Map();
  const add = (before: number, after: number, kind: Kind) => {
    if (before === after || !byId.has(before) || !byId.has(after)) return;
    let out = graph.get(before);
    if (!out) graph.set(before, (out = new Map()));
    if (out.get(after) !== 'attach') out.set(after, kind);
  };
  for (const { from, to, type } of relations) {
    switch (type) {
      case 'SEQUEL':
        add(from, to, 'chain');
        break;
      case 'PREQUEL':
        add(to, from, 'chain');
        break;
      case 'SIDE_STORY':
      case 'SPIN_OFF':
      case 'SUMMARY':
      case 'COMPILATION':
        add(from, to, 'attach');
        break;
      case 'PARENT':
      case 'CONTAINS':
        add(to, from, 'attach');
        break;
      case 'ALTERNATIVE': {
        const a = byId.get(from);
        const b = byId.get(to);
        if (!a || !b) break;
        if (compareRelease(a, b) <= 0) add(from, to, 'attach');
        else add(to, from, 'attach');
        break;
      }
      // CHARACTER, OTHER, ADAPTATION, SOURCE and unknown labels say nothing about order.
    }
  }
  return graph;
}

/**
 * Drops, inside each strongly connected component, every edge that runs against release
 * order; release order (with format and id) is total, so what is left has no cycle.
 */
function breakCycles(graph: Constraints, entries: WatchEntry[]): Constraints {
  const rank = new Map(entries.map((entry, i) => [entry.id, i]));
  const component = stronglyConnected(
    entries.map((entry) => entry.id),
    (id) => (graph.get(id) ?? new Map<number, Kind>()).keys(),
  );
  for (const [before, out] of graph) {
    for (const after of [...out.keys()]) {
      if (component.get(before) === component.get(after) && rank.get(before)! > rank.get(after)!) out.delete(after);
    }
  }
  return graph;
}

/** compareRelease's sort key: [year, month, day, format rank, id], unknown parts as Infinity. */
export function releaseKey(entry: WatchEntry): number[] {
  const { year = null, month = null, day = null } = entry.startDate ?? {};
  const y = year ?? Infinity;
  const m = year === null ? Infinity : (month ?? Infinity);
  const d = year === null || month === null ? Infinity : (day ?? Infinity);
  const format = entry.format === null ? -1 : FORMAT_ORDER.indexOf(entry.format);
  return [y, m, d, format === -1 ? FORMAT_ORDER.length : format, entry.id];
}

/** The members without repeats (the first of an id wins), in input order. */
export function unique<T extends WatchEntry>(members: readonly T[]): T[] {
  const byId = new Map<number, T>();
  for (const entry of members) if (!byId.has(entry.id)) byId.set(entry.id, entry);
  return [...byId.values()];
}
