import type { GraphModel } from './graph-model.ts';
import { formatClass } from '../../../src/domain/title-ranking.ts';
import type { FranchiseMember } from '../../../src/ingest/franchise-view.ts';

/**
 * A continuity: one sequel chain (entries joined by SEQUEL/PREQUEL) with the entries that
 * hang off it (side stories, specials, recaps, spin-offs). Gundam's 143 entries are 17 of
 * them (the Universal Century, SEED, 00, Wing, ...); Attack on Titan's 22 are 3 (the story,
 * the compilation films, the chibi theatre).
 */
export interface Continuity {
  /** Its first chain entry's id, stable while entries arrive. */
  key: number;
  /** The chain, in story order (prequels first, release order where the chain forks). */
  chain: number[];
  /** Every member: the chain and everything stacked under it. */
  members: number[];
  /** First and last release year, when known. */
  years: [number | null, number | null];
}

export type PlacementKind = 'entry' | 'extras' | 'group';

/** One box on the canvas: an entry, the folded extras of a chain entry, or a folded continuity. */
export interface Placement {
  key: string;
  kind: PlacementKind;
  /** Centre. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The entries this box stands for (one for an entry). */
  entries: number[];
  /** For a stacked entry or folded extras: the chain entry it hangs under. */
  anchor: number | null;
  continuity: number;
}

export interface GraphLayout {
  items: Map<string, Placement>;
  /** The box that shows each entry (itself, or the folded extras or continuity holding it). */
  itemOf: Map<number, string>;
  /** A heading above each unfolded continuity (when there is more than one), and above the folded ones; continuity -1 is the latter. */
  labels: { continuity: number; x: number; y: number; title: string; facts: string }[];
  continuities: Continuity[];
  width: number;
  height: number;
}

export interface LayoutOptions {
  /** Node box size in graph units. Default 172 x 52. */
  nodeWidth?: number;
  nodeHeight?: number;
  /** Vertical gap between a chain entry and the entries stacked below it. Default 10. */
  stackGap?: number;
  /** How far stacked entries are indented to the right of their anchor. Default 22. */
  stackIndent?: number;
  /** Chain entries per row before a chain wraps onto the next. Default: no wrapping. */
  columns?: number;
  /** Space between columns, room for an arrow. Default 46. */
  columnGap?: number;
  /** Fold every chain entry's extras into one "+N" box. */
  foldExtras?: boolean;
  /** Chain entries whose extras stay unfolded even so. */
  openExtras?: ReadonlySet<number>;
  /** Continuities drawn as one box each (keys); they are gathered at the end. */
  foldedContinuities?: ReadonlySet<number>;
}

const COLUMN_GAP = 46;
const ROW_GAP = 26;
const BLOCK_GAP = 30;
const LABEL_HEIGHT = 24;
const EXTRAS_HEIGHT = 26;
export const EXTRAS_KEY = (anchor: number) => `x:${anchor}`;
export const GROUP_KEY = (continuity: number) => `g:${continuity}`;
export const ENTRY_KEY = (id: number) => `e:${id}`;

/**
 * Continuities one under another, the root's first, then by first release. A chain reads
 * left to right and wraps after `columns` entries, so a franchise fits a panel's width
 * instead of running off its right edge; what hangs off a chain entry is stacked below it
 * (or folded into one "+N" box); folded continuities become one box each.
 */
export function layoutGraph(model: GraphModel, options: LayoutOptions = {}): GraphLayout {
  const width = options.nodeWidth ?? 172;
  const height = options.nodeHeight ?? 52;
  const gap = options.stackGap ?? 10;
  const indent = options.stackIndent ?? 22;
  const columns = Math.max(1, Math.floor(options.columns ?? Number.POSITIVE_INFINITY));
  const columnGap = options.columnGap ?? COLUMN_GAP;
  const cellWidth = width + indent;

  const members = new Map(model.nodes.map((m) => [m.id, m]));
  const stacks = stacksOf(model, members);
  const continuities = continuitiesOf(model, members, stacks);
  const items = new Map<string, Placement>();
  const itemOf = new Map<number, string>();
  const labels: GraphLayout['labels'] = [];
  const place = (item: Omit<Placement, 'x' | 'y'>, left: number, top: number) => {
    const placed = { ...item, x: left + item.width / 2, y: top + item.height / 2 };
    items.set(item.key, placed);
    for (const id of item.entries) itemOf.set(id, item.key);
  };

  let y = 0;
  let right = 0;
  const open = continuities.filter((c) => !options.foldedContinuities?.has(c.key));
  const folded = continuities.filter((c) => options.foldedContinuities?.has(c.key));
  for (const continuity of open) {
    if (continuities.length > 1) {
      labels.push({ continuity: continuity.key, x: 0, y: y + LABEL_HEIGHT / 2, ...continuityLabel(continuity, members, model.rootId) });
      y += LABEL_HEIGHT;
    }
    for (let start = 0; start < continuity.chain.length; start += columns) {
      let rowHeight = height;
      continuity.chain.slice(start, start + columns).forEach((id, column) => {
        const left = column * (cellWidth + columnGap);
        place({ key: ENTRY_KEY(id), kind: 'entry', width, height, entries: [id], anchor: null, continuity: continuity.key }, left, y);
        const stack = stacks.get(id) ?? [];
        let below = y + height;
        if (stack.length > 0 && options.foldExtras && !options.openExtras?.has(id)) {
          place({ key: EXTRAS_KEY(id), kind: 'extras', width: width - indent, height: EXTRAS_HEIGHT, entries: stack, anchor: id, continuity: continuity.key }, left + indent, below + gap);
          below += gap + EXTRAS_HEIGHT;
        } else {
          for (const child of stack) {
            place({ key: ENTRY_KEY(child), kind: 'entry', width, height, entries: [child], anchor: id, continuity: continuity.key }, left + indent, below + gap);
            below += gap + height;
          }
        }
        rowHeight = Math.max(rowHeight, below - y);
        right = Math.max(right, left + cellWidth);
      });
      y += rowHeight + ROW_GAP;
    }
    y += BLOCK_GAP - ROW_GAP;
  }
  if (folded.length > 0) {
    if (open.length > 0) {
      labels.push({ continuity: -1, x: 0, y: y + LABEL_HEIGHT / 2, title: `${folded.length} more ${folded.length === 1 ? 'continuity' : 'continuities'}`, facts: '' });
      y += LABEL_HEIGHT;
    }
    folded.forEach((continuity, i) => {
      const left = (i % columns) * (cellWidth + columnGap);
      const top = y + Math.floor(i / columns) * (height + ROW_GAP);
      place({ key: GROUP_KEY(continuity.key), kind: 'group', width, height, entries: continuity.members, anchor: null, continuity: continuity.key }, left, top);
      right = Math.max(right, left + cellWidth);
    });
    y += Math.ceil(folded.length / columns) * (height + ROW_GAP);
    y -= ROW_GAP;
  } else {
    y -= BLOCK_GAP;
  }
  return { items, itemOf, labels, continuities, width: right, height: Math.max(y, height) };
}

/**
 * "Mobile Suit Gundam SEED", "7 entries · 2002–2006": named by the root when it is in it,
 * else by its first series or film (a prequel OVA or a recap special may come first).
 */
export function continuityLabel(continuity: Continuity, members: Map<number, FranchiseMember>, rootId?: number): { title: string; facts: string } {
  const main =
    continuity.members.find((id) => id === rootId) ??
    continuity.chain.find((id) => formatClass(members.get(id)!.format, null) === 0) ??
    continuity.chain[0]!;
  const first = members.get(main)!;
  const [from, to] = continuity.years;
  const years = from === null ? '' : from === to || to === null ? ` · ${from}` : ` · ${from}–${to}`;
  const count = continuity.members.length;
  return { title: first.title, facts: `${count === 1 ? '1 entry' : `${count} entries`}${years}` };
}

/** Chain entries (and the root) with what hangs off each, in release order. */
function stacksOf(model: GraphModel, members: Map<number, FranchiseMember>): Map<number, number[]> {
  const anchors = findAnchors(model, members);
  const stacks = new Map<number, number[]>();
  for (const node of model.nodes) {
    const anchor = anchors.get(node.id);
    if (anchor === undefined) continue;
    const stack = stacks.get(anchor);
    if (stack) stack.push(node.id);
    else stacks.set(anchor, [node.id]);
  }
  for (const stack of stacks.values()) stack.sort((a, b) => compareRelease(members.get(a)!, members.get(b)!));
  return stacks;
}

/**
 * The chain entries joined by sequels, one continuity per connected group, each in story
 * order; the root's continuity first, the rest by first release.
 */
function continuitiesOf(model: GraphModel, members: Map<number, FranchiseMember>, stacks: Map<number, number[]>): Continuity[] {
  const stacked = new Set([...stacks.values()].flat());
  const tops = model.nodes.map((n) => n.id).filter((id) => !stacked.has(id));
  const parent = new Map(tops.map((id) => [id, id]));
  const find = (id: number): number => {
    let at = id;
    while (parent.get(at) !== at) at = parent.get(at)!;
    return at;
  };
  const sequels = model.edges.filter((e) => e.type === 'SEQUEL' && parent.has(e.from) && parent.has(e.to) && e.from !== e.to);
  for (const edge of sequels) parent.set(find(edge.from), find(edge.to));
  const groups = new Map<number, number[]>();
  for (const id of tops) {
    const group = groups.get(find(id));
    if (group) group.push(id);
    else groups.set(find(id), [id]);
  }
  const continuities = [...groups.values()].map((group) => {
    const chain = storyOrder(group, sequels, members);
    const all = [...chain, ...chain.flatMap((id) => stacks.get(id) ?? [])];
    const years = all.map((id) => members.get(id)!.startDate.year).filter((year): year is number => year !== null);
    return {
      key: chain[0]!,
      chain,
      members: all,
      years: [years.length ? Math.min(...years) : null, years.length ? Math.max(...years) : null] as [number | null, number | null],
    };
  });
  const first = (c: Continuity) => Math.min(...c.members.map((id) => releaseKey(members.get(id)!)));
  return continuities.sort(
    (a, b) => Number(b.members.includes(model.rootId)) - Number(a.members.includes(model.rootId)) || first(a) - first(b) || a.key - b.key,
  );
}

/** Prequels before sequels (Kahn's order), release order among entries free to go; a loop in upstream data is cut at its earliest entry. */
function storyOrder(group: number[], sequels: GraphModel['edges'], members: Map<number, FranchiseMember>): number[] {
  const inGroup = new Set(group);
  const before = new Map(group.map((id) => [id, 0]));
  const after = new Map<number, number[]>();
  for (const edge of sequels) {
    if (!inGroup.has(edge.from) || !inGroup.has(edge.to)) continue;
    before.set(edge.to, before.get(edge.to)! + 1);
    after.set(edge.from, [...(after.get(edge.from) ?? []), edge.to]);
  }
  const byRelease = (a: number, b: number) => compareRelease(members.get(a)!, members.get(b)!);
  const order: number[] = [];
  const left = new Set(group);
  while (left.size > 0) {
    const free = [...left].filter((id) => before.get(id) === 0).sort(byRelease);
    const next = free[0] ?? [...left].sort(byRelease)[0]!;
    left.delete(next);
    order.push(next);
    for (const id of after.get(next) ?? []) before.set(id, before.get(id)! - 1);
  }
  return order;
}

/** For each entry that hangs off another, the top entry (chain entry or parentless) it is stacked under. */
function findAnchors(model: GraphModel, members: Map<number, FranchiseMember>): Map<number, number> {
  const top = new Set<number>([model.rootId]);
  const parentOf = new Map<number, number>();
  for (const edge of model.edges) {
    if (edge.type === 'SEQUEL') {
      top.add(edge.from);
      top.add(edge.to);
      continue;
    }
    const current = parentOf.get(edge.to);
    if (current === undefined || members.get(edge.from)!.depth < members.get(current)!.depth) parentOf.set(edge.to, edge.from);
  }
  for (const node of model.nodes) if (!parentOf.has(node.id)) top.add(node.id);
  const anchors = new Map<number, number>();
  for (const node of model.nodes) {
    if (top.has(node.id)) continue;
    const seen = new Set<number>([node.id]);
    let at = parentOf.get(node.id)!;
    while (!top.has(at) && !seen.has(at)) {
      seen.add(at);
      at = parentOf.get(at)!;
    }
    // Upstream data can loop side stories into each other: the first one met is drawn on its own.
    if (top.has(at)) anchors.set(node.id, at);
    else top.add(node.id);
  }
  return anchors;
}

function releaseKey(m: FranchiseMember): number {
  return (m.startDate.year ?? 9999) * 10_000 + (m.startDate.month ?? 12) * 100 + (m.startDate.day ?? 31);
}

export function compareRelease(a: FranchiseMember, b: FranchiseMember): number {
  return releaseKey(a) - releaseKey(b) || a.id - b.id;
}
