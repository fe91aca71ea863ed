import dagre from '@dagrejs/dagre';
import type { GraphModel } from './graph-model.ts';
import type { FranchiseMember } from '../../../src/ingest/franchise-view.ts';

export interface NodePlacement {
  id: number;
  /** Centre of the node. */
  x: number;
  y: number;
  /** The chain entry this node hangs under, when it is stacked below one; null on the main chains. */
  anchor: number | null;
}

export interface GraphLayout {
  nodes: Map<number, NodePlacement>;
  width: number;
  height: number;
}

export interface LayoutOptions {
  /** Node box size in graph units. Default 184 x 58. */
  nodeWidth?: number;
  nodeHeight?: number;
  /** Vertical gap between a chain entry and the entries stacked below it. Default 14. */
  stackGap?: number;
  /** How far stacked entries are indented to the right of their anchor. Default 22. */
  stackIndent?: number;
}

// Entries that are neither in a SEQUEL/PREQUEL chain nor the root (side stories, spin-offs,
// summaries, compilations) are stacked under the entry they belong to, so the chains read
// left to right and nothing pushes a sequel out of its column.
export function layoutGraph(model: GraphModel, options: LayoutOptions = {}): GraphLayout {
  const width = options.nodeWidth ?? 184;
  const height = options.nodeHeight ?? 58;
  const gap = options.stackGap ?? 14;
  const indent = options.stackIndent ?? 22;

  const members = new Map(model.nodes.map((m) => [m.id, m]));
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

  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 70, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of model.nodes) {
    if (anchors.has(node.id)) continue;
    const stacked = stacks.get(node.id)?.length ?? 0;
    g.setNode(String(node.id), { width: width + (stacked > 0 ? indent : 0), height: height + stacked * (height + gap) });
  }
  for (const edge of model.edges) {
    const from = anchors.get(edge.from) ?? edge.from;
    const to = anchors.get(edge.to) ?? edge.to;
    if (from === to) continue;
    const key = [String(from), String(to)] as const;
    // Sequels pull hardest so a chain stays on one line.
    const weight = edge.type === 'SEQUEL' ? 10 : 1;
    const existing = g.edge(key[0], key[1]) as { weight?: number } | undefined;
    g.setEdge(key[0], key[1], { minlen: 1, weight: Math.max(weight, existing?.weight ?? 0) });
  }
  dagre.layout(g);

  const nodes = new Map<number, NodePlacement>();
  let maxX = 0;
  let maxY = 0;
  for (const id of g.nodes()) {
    const box = g.node(id) as { x: number; y: number; width: number; height: number };
    const left = box.x - box.width / 2;
    const top = box.y - box.height / 2;
    const anchorId = Number(id);
    nodes.set(anchorId, { id: anchorId, x: left + width / 2, y: top + height / 2, anchor: null });
    (stacks.get(anchorId) ?? []).forEach((childId, i) => {
      nodes.set(childId, {
        id: childId,
        x: left + indent + width / 2,
        y: top + height / 2 + (i + 1) * (height + gap),
        anchor: anchorId,
      });
    });
    maxX = Math.max(maxX, box.x + box.width / 2);
    maxY = Math.max(maxY, box.y + box.height / 2);
  }
  return { nodes, width: maxX, height: maxY };
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

export function compareRelease(a: FranchiseMember, b: FranchiseMember): number {
  const key = (m: FranchiseMember) =>
    (m.startDate.year ?? 9999) * 10_000 + (m.startDate.month ?? 12) * 100 + (m.startDate.day ?? 31);
  return key(a) - key(b) || a.id - b.id;
}
