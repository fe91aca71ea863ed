import type { RelationType } from '../../../src/domain/relation-type.ts';
import type { GraphModel } from './graph-model.ts';
import type { GraphLayout } from './graph-layout.ts';

/** An edge between two boxes of a layout. */
export interface DrawnEdge {
  id: string;
  source: string;
  target: string;
  type: RelationType;
  malOnly: boolean;
  /** Drawn as a tree view's elbow: the target is stacked under the source. */
  stacked: boolean;
  /** A chain that wrapped onto the next row: drawn around, not across, the row. */
  wrapped: boolean;
}

/**
 * The model's edges between the boxes that show their ends: an edge into a folded box goes
 * to the box (once per pair of boxes), an edge inside one box is not drawn; each "+N" box
 * gets a line from the entry it belongs to.
 */
export function drawnEdges(model: GraphModel, layout: GraphLayout): { edges: DrawnEdge[]; links: { source: string; target: string }[] } {
  const edges: DrawnEdge[] = [];
  const seen = new Set<string>();
  for (const edge of model.edges) {
    const source = layout.itemOf.get(edge.from);
    const target = layout.itemOf.get(edge.to);
    if (!source || !target || source === target) continue;
    const pair = `${source}>${target}`;
    if (seen.has(pair) || seen.has(`${target}>${source}`)) continue;
    seen.add(pair);
    const from = layout.items.get(source)!;
    const to = layout.items.get(target)!;
    edges.push({
      id: pair,
      source,
      target,
      type: edge.type,
      malOnly: edge.malOnly,
      stacked: to.kind === 'entry' && to.anchor !== null && to.anchor === edge.from && from.kind === 'entry',
      wrapped: edge.type === 'SEQUEL' && from.anchor === null && to.anchor === null && from.kind === 'entry' && to.kind === 'entry' && to.y > from.y && to.x < from.x,
    });
  }
  const links = [...layout.items.values()].filter((item) => item.kind === 'extras').map((item) => ({ source: `e:${item.anchor}`, target: item.key }));
  return { edges, links };
}
