import type { GraphModel } from './graph-model.ts';
import { layoutGraph, type GraphLayout, type LayoutOptions } from './graph-layout.ts';

/** Below this zoom a node's 13 px label is too small to read: the plan folds instead of shrinking past it. */
export const READABLE_ZOOM = 0.8;
/** Space kept around the graph inside its panel, px. */
export const GRAPH_PADDING = 14;
/** What is drawn beyond the boxes (the selection's halo, the focus outline, borders), graph units per side. */
const HALO = 10;

export interface PanelSize {
  /** The graph's width on screen, px. */
  width: number;
  /** The tallest the graph may grow, px (a share of the window). */
  maxHeight: number;
  /** The least height it takes even when small, px. */
  minHeight: number;
}

/** What the user unfolded by hand (clicking a "+N" box or a folded continuity). */
export interface Unfolded {
  continuities: ReadonlySet<number>;
  extras: ReadonlySet<number>;
}

export type FoldLevel = 'open' | 'extras' | 'continuities' | 'all';

export interface GraphPlan {
  layout: GraphLayout;
  /** How much was folded to stay readable. */
  level: FoldLevel;
  /** Graph units to px, so the whole layout fits: at most 1. */
  zoom: number;
  /** The graph's height on screen, px. */
  height: number;
}

/**
 * A graph that fits its panel and stays readable. Chains wrap at as many columns as fit
 * the width at READABLE_ZOOM; then the first of these whose height fits too: every entry
 * drawn ('open'); each chain entry's extras folded into a "+N" box ('extras'); every
 * continuity but the root's folded into one box ('continuities'); every continuity folded
 * ('all', only when there are several). What the user unfolded stays unfolded. The zoom
 * then fits the whole layout, never above 1.
 */
export function planGraph(model: GraphModel, panel: PanelSize, unfolded: Unfolded, sizes: LayoutOptions = {}): GraphPlan {
  const cellWidth = (sizes.nodeWidth ?? 172) + (sizes.stackIndent ?? 22);
  const columnGap = sizes.columnGap ?? 46;
  const usable = Math.max(1, panel.width - 2 * GRAPH_PADDING);
  const columns = Math.max(1, Math.floor((usable / READABLE_ZOOM - 2 * HALO + columnGap) / (cellWidth + columnGap)));
  const base = { ...sizes, columns };
  const open = layoutGraph(model, base);
  const root = open.continuities.find((c) => c.members.includes(model.rootId))?.key;
  const folded = (keepRoot: boolean) =>
    new Set(open.continuities.map((c) => c.key).filter((key) => !unfolded.continuities.has(key) && !(keepRoot && key === root)));
  const attempts: [FoldLevel, () => GraphLayout][] = [
    ['open', () => open],
    ['extras', () => layoutGraph(model, { ...base, foldExtras: true, openExtras: unfolded.extras })],
    ['continuities', () => layoutGraph(model, { ...base, foldExtras: true, openExtras: unfolded.extras, foldedContinuities: folded(true) })],
    ['all', () => layoutGraph(model, { ...base, foldExtras: true, openExtras: unfolded.extras, foldedContinuities: folded(false) })],
  ];
  let chosen = { level: 'open' as FoldLevel, layout: open };
  for (const [level, layout] of attempts) {
    chosen = { level, layout: layout() };
    if ((chosen.layout.height + 2 * HALO) * READABLE_ZOOM + 2 * GRAPH_PADDING <= panel.maxHeight) break;
  }
  const { level, layout } = chosen;
  const drawnWidth = layout.width + 2 * HALO;
  const drawnHeight = layout.height + 2 * HALO;
  const zoom = Math.min(1, usable / drawnWidth, (panel.maxHeight - 2 * GRAPH_PADDING) / drawnHeight);
  const height = Math.min(panel.maxHeight, Math.max(panel.minHeight, Math.ceil(drawnHeight * zoom + 2 * GRAPH_PADDING)));
  return { layout, level, zoom, height };
}
