import { useEffect, useMemo, useRef } from 'react';
import cytoscape, { type Core, type StylesheetJson } from 'cytoscape';
import type { GraphModel } from './graph-model.ts';
import { layoutGraph } from './graph-layout.ts';
import { relationStyle } from './relation-style.ts';
import { placeholderColor } from '../ui/cover-colors.ts';
import { shortTitle } from './short-title.ts';
import { whenLabel, formatLabel } from '../format/entry-format.ts';

interface FranchiseGraphProps {
  model: GraphModel;
  selected: number | null;
  onSelect: (id: number) => void;
}

const NODE_WIDTH = 172;
const NODE_HEIGHT = 52;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const FONT_SIZE = 13;
const STACK_INDENT = 22;
/** Below this zoom the labels cannot be read: the first view starts here at the root instead. */
const READABLE_ZOOM = 0.85;
const PADDING = 16;
/** The zoom buttons' strip on the right of the graph. */
const TOOLS_WIDTH = 56;

// cytoscape injects a one-line <style> unless an element with this id exists. The CSP
// forbids inline styles, and styles.css already positions the container, so a marker is
// put in its place to keep the console free of CSP violations.
function preventStylesheetInjection(): void {
  const id = '__________cytoscape_stylesheet';
  if (document.getElementById(id)) return;
  const marker = document.createElement('meta');
  marker.id = id;
  document.head.appendChild(marker);
}

/** The relation graph, drawn by cytoscape on a canvas; the watch-order list is its keyboard twin. */
export function FranchiseGraph({ model, selected, onSelect }: FranchiseGraphProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  // While an import adds entries the graph is rebuilt; once the user has panned or zoomed,
  // the rebuilt graph keeps their view instead of jumping back to the first one.
  const viewRef = useRef<{ zoom: number; pan: { x: number; y: number } } | null>(null);
  const movedRef = useRef(false);
  const shownSelectionRef = useRef<number | null>(null);
  const layout = useMemo(
    () => layoutGraph(model, { nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT, stackIndent: STACK_INDENT }),
    [model],
  );

  useEffect(() => {
    const container = containerRef.current!;
    preventStylesheetInjection();
    const css = getComputedStyle(container);
    const theme = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const surface = theme('--graph-node', '#ffffff');
    const rootTitle = model.nodes.find((n) => n.id === model.rootId)?.title;
    const cy = cytoscape({
      container,
      style: stylesheet({
        surface,
        text: theme('--text', '#1b1d24'),
        border: theme('--border-strong', '#c5c9d6'),
        accent: theme('--accent', '#3b4fd8'),
      }),
      elements: [
        ...model.nodes.map((node) => {
          const place = layout.nodes.get(node.id)!;
          return {
            group: 'nodes' as const,
            data: { id: String(node.id), label: nodeLabel(node, rootTitle, node.id === model.rootId) },
            position: { x: place.x, y: place.y },
            classes: node.id === model.rootId ? 'root' : '',
          };
        }),
        ...model.edges.map((edge) => ({
          group: 'edges' as const,
          data: { id: edge.id, source: String(edge.from), target: String(edge.to), color: relationStyle(edge.type).color },
          classes: [edge.malOnly ? 'mal-only' : '', layout.nodes.get(edge.to)?.anchor === edge.from ? 'stacked' : ''].join(' '),
        })),
      ],
      layout: { name: 'preset', fit: false },
      minZoom: 0.15,
      maxZoom: 2.5,
      // Wheel zoom would steal the page's scrolling; the buttons zoom instead.
      userZoomingEnabled: false,
      boxSelectionEnabled: false,
      autoungrabify: true,
      autounselectify: true,
    });
    // Each node's left edge carries its cover colour, tying the graph to the cards.
    for (const node of model.nodes) {
      const color = placeholderColor(node.id, node.coverColor);
      cy.getElementById(String(node.id)).style({
        'background-fill': 'linear-gradient',
        'background-gradient-direction': 'to-right',
        'background-gradient-stop-colors': [color, color, surface, surface],
        'background-gradient-stop-positions': [0, 4, 4, 100],
      });
    }
    // A stacked entry's edge is drawn as an elbow from its anchor's left foot, like a tree view.
    cy.edges('.stacked').forEach((edge) => {
      edge.style(elbow(edge.target().position('y') - edge.source().position('y') - NODE_HEIGHT / 2));
    });
    cy.on('tap', 'node', (event) => onSelectRef.current(Number(event.target.id())));
    cy.on('mouseover', 'node', () => container.classList.add('pointer'));
    cy.on('mouseout', 'node', () => container.classList.remove('pointer'));
    cy.on('dragpan', () => (movedRef.current = true));

    if (movedRef.current && viewRef.current) cy.viewport(viewRef.current);
    else firstView(cy, model.rootId);
    const selectedNode = shownSelectionRef.current === null ? null : cy.getElementById(String(shownSelectionRef.current));
    selectedNode?.addClass('selected');

    const resize = new ResizeObserver(() => cy.resize());
    resize.observe(container);
    cyRef.current = cy;
    container.dataset.nodeIds = cy.nodes().map((n) => n.id()).join(',');
    return () => {
      viewRef.current = { zoom: cy.zoom(), pan: { ...cy.pan() } };
      resize.disconnect();
      cy.destroy();
      cyRef.current = null;
    };
  }, [model, layout]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const changed = shownSelectionRef.current !== null && shownSelectionRef.current !== selected;
    shownSelectionRef.current = selected;
    cy.nodes().removeClass('selected');
    if (selected === null) return;
    const node = cy.getElementById(String(selected));
    if (node.empty()) return;
    node.addClass('selected');
    // Follow a selection made elsewhere (the list, the details) only when it is out of
    // view, so clicking in the graph never makes it jump.
    const box = node.renderedBoundingBox();
    if (changed && (box.x1 < 0 || box.y1 < 0 || box.x2 > cy.width() || box.y2 > cy.height())) {
      cy.animate({ center: { eles: node } }, { duration: 250 });
    }
  }, [selected, model]);

  const zoom = (factor: number) => {
    const cy = cyRef.current;
    if (!cy) return;
    movedRef.current = true;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };

  return (
    <div className="graph-frame">
      <div
        ref={containerRef}
        className="graph"
        data-testid="graph"
        data-node-count={model.nodes.length}
        role="img"
        aria-label={`Relation graph of ${model.nodes.length} entries; the watch order lists the same entries for the keyboard.`}
      />
      <div className="graph-tools">
        <button type="button" onClick={() => zoom(1.25)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoom(0.8)} aria-label="Zoom out">
          −
        </button>
        <button
          type="button"
          onClick={() => {
            movedRef.current = true;
            cyRef.current?.fit(undefined, PADDING);
          }}
          aria-label="Fit the whole graph"
        >
          ⤢
        </button>
      </div>
    </div>
  );
}

/**
 * The whole graph when it can be read whole; otherwise readable, from its left end (the
 * earliest entries), with as much of its top (where the root sits in dagre's layers) as fits.
 */
function firstView(cy: Core, rootId: number): void {
  cy.fit(undefined, PADDING);
  if (cy.zoom() > 1) cy.zoom(1).center();
  if (cy.zoom() >= READABLE_ZOOM) return;
  const box = cy.elements().boundingBox();
  const root = cy.getElementById(String(rootId)).position();
  cy.zoom(READABLE_ZOOM);
  const fitsTall = box.h * READABLE_ZOOM <= cy.height() - 2 * PADDING;
  const top = fitsTall ? (box.y1 + box.y2) / 2 - (cy.height() / 2 - PADDING) / READABLE_ZOOM : Math.min(box.y1, root.y - NODE_HEIGHT);
  // On a narrow screen the root may not fit beside what comes before it: then start at the root.
  const rootLeft = root.x - NODE_WIDTH / 2;
  const rootFits = (root.x + NODE_WIDTH / 2 - box.x1) * READABLE_ZOOM <= cy.width() - TOOLS_WIDTH;
  const left = rootFits ? box.x1 : rootLeft;
  cy.pan({ x: PADDING - left * READABLE_ZOOM, y: PADDING - top * READABLE_ZOOM });
}

function nodeLabel(node: GraphModel['nodes'][number], franchiseTitle: string | undefined, bold: boolean): string {
  const title = fitWidth(shortTitle(node.title, franchiseTitle), `${bold ? 'bold ' : ''}${FONT_SIZE}px ${FONT}`, NODE_WIDTH - 24);
  return `${title}\n${formatLabel(node.format)} · ${whenLabel(node)}`;
}

let measure: CanvasRenderingContext2D | null = null;

/** Cuts a title to one line of the node, measured in the font the canvas draws it with. */
function fitWidth(text: string, font: string, maxWidth: number): string {
  measure ??= document.createElement('canvas').getContext('2d');
  if (!measure) return text;
  measure.font = font;
  if (measure.measureText(text).width <= maxWidth) return text;
  let cut = text.length;
  while (cut > 1 && measure.measureText(`${text.slice(0, cut).trimEnd()}…`).width > maxWidth) cut--;
  return `${text.slice(0, cut).trimEnd()}…`;
}

/**
 * cytoscape places a segment's bend by its fraction along, and its distance across, the line
 * between the two endpoints; this puts the bend straight below the start, level with the end.
 */
function elbow(drop: number) {
  const across = STACK_INDENT / 2;
  const length = Math.hypot(across, drop);
  return {
    'curve-style': 'segments',
    'edge-distances': 'endpoints',
    'source-endpoint': `${-NODE_WIDTH / 2 + across}px ${NODE_HEIGHT / 2}px`,
    'target-endpoint': `${-NODE_WIDTH / 2}px 0px`,
    'segment-weights': (drop * drop) / (length * length),
    'segment-distances': (across * drop) / length,
  } as const;
}

function stylesheet(colors: { surface: string; text: string; border: string; accent: string }): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        shape: 'round-rectangle',
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        'background-color': colors.surface,
        'border-width': 1,
        'border-color': colors.border,
        label: 'data(label)',
        color: colors.text,
        'font-family': FONT,
        'font-size': FONT_SIZE,
        'text-wrap': 'wrap',
        'text-max-width': `${NODE_WIDTH - 16}px`,
        'text-valign': 'center',
        'text-halign': 'center',
        'line-height': 1.35,
      },
    },
    { selector: 'node.root', style: { 'border-width': 2, 'border-color': colors.accent, 'font-weight': 'bold' } },
    {
      selector: 'node.selected',
      style: { 'border-width': 3, 'border-color': colors.accent, 'underlay-color': colors.accent, 'underlay-opacity': 0.18, 'underlay-padding': 5 },
    },
    {
      selector: 'edge',
      style: {
        width: 2,
        'line-color': 'data(color)',
        'target-arrow-color': 'data(color)',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.9,
        'curve-style': 'bezier',
      },
    },
    { selector: 'edge.mal-only', style: { 'line-style': 'dashed' } },
  ];
}
