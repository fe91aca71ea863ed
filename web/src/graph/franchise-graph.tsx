import { useEffect, useMemo, useRef } from 'react';
import cytoscape, { type Core, type StylesheetJson } from 'cytoscape';
import type { GraphModel } from './graph-model.ts';
import { layoutGraph } from './graph-layout.ts';
import { relationStyle } from './relation-style.ts';
import { placeholderColor } from '../ui/cover-colors.ts';
import { whenLabel, formatLabel } from '../format/entry-format.ts';

interface FranchiseGraphProps {
  model: GraphModel;
  selected: number | null;
  onSelect: (id: number) => void;
}

const NODE_WIDTH = 184;
const NODE_HEIGHT = 58;
const TITLE_CHARS = 26;
/** Below this zoom the labels cannot be read: the first view starts here at the root instead. */
const READABLE_ZOOM = 0.62;
const PADDING = 16;

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
  const layout = useMemo(() => layoutGraph(model, { nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT }), [model]);

  useEffect(() => {
    const container = containerRef.current!;
    preventStylesheetInjection();
    const css = getComputedStyle(container);
    const theme = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const surface = theme('--graph-node', '#ffffff');
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
            data: { id: String(node.id), label: nodeLabel(node), stacked: place.anchor !== null },
            position: { x: place.x, y: place.y },
            classes: node.id === model.rootId ? 'root' : '',
          };
        }),
        ...model.edges.map((edge) => ({
          group: 'edges' as const,
          data: {
            id: edge.id,
            source: String(edge.from),
            target: String(edge.to),
            color: relationStyle(edge.type).color,
          },
          classes: [
            edge.malOnly ? 'mal-only' : '',
            layout.nodes.get(edge.to)?.anchor === edge.from ? 'stacked' : '',
          ].join(' '),
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
    cy.on('tap', 'node', (event) => onSelectRef.current(Number(event.target.id())));
    cy.on('mouseover', 'node', () => container.classList.add('pointer'));
    cy.on('mouseout', 'node', () => container.classList.remove('pointer'));
    const firstView = () => {
      cy.fit(undefined, PADDING);
      if (cy.zoom() >= READABLE_ZOOM) return;
      // Too wide to read whole: start readable, with the graph's left end and the root in view.
      const root = cy.getElementById(String(model.rootId));
      const box = cy.elements().boundingBox();
      cy.zoom(READABLE_ZOOM);
      cy.pan({ x: PADDING - box.x1 * READABLE_ZOOM, y: cy.height() / 2 - root.position('y') * READABLE_ZOOM });
    };
    const resize = new ResizeObserver(() => cy.resize());
    resize.observe(container);
    cyRef.current = cy;
    container.dataset.nodeIds = cy
      .nodes()
      .map((n) => n.id())
      .join(',');
    container.dataset.ready = 'true';
    firstView();
    return () => {
      resize.disconnect();
      cy.destroy();
      cyRef.current = null;
      delete container.dataset.ready;
    };
  }, [model, layout]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.nodes().removeClass('selected');
    if (selected === null) return;
    const node = cy.getElementById(String(selected));
    if (node.empty()) return;
    node.addClass('selected');
    // Bring it into view only when it is outside, so clicking in the graph never jumps.
    const box = node.renderedBoundingBox();
    if (box.x1 < 0 || box.y1 < 0 || box.x2 > cy.width() || box.y2 > cy.height()) {
      cy.animate({ center: { eles: node } }, { duration: 250 });
    }
  }, [selected, model]);

  const zoom = (factor: number) => {
    const cy = cyRef.current;
    if (!cy) return;
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
        <button type="button" onClick={() => cyRef.current?.fit(undefined, PADDING)} aria-label="Fit the whole graph">
          ⤢
        </button>
      </div>
    </div>
  );
}

function nodeLabel(node: GraphModel['nodes'][number]): string {
  const title = node.title.length > TITLE_CHARS ? `${node.title.slice(0, TITLE_CHARS - 1).trimEnd()}…` : node.title;
  return `${title}\n${formatLabel(node.format)} · ${whenLabel(node)}`;
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
        'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
        'font-size': 12,
        'text-wrap': 'wrap',
        'text-max-width': `${NODE_WIDTH - 22}px`,
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
        'curve-style': 'taxi',
        'taxi-direction': 'horizontal',
        'taxi-turn': '50%',
      },
    },
    {
      // Side stories hang below their parent: leave its bottom, turn right into the card.
      selector: 'edge.stacked',
      style: {
        'curve-style': 'taxi',
        'taxi-direction': 'vertical',
        'source-endpoint': `${-NODE_WIDTH / 2 + 11}px ${NODE_HEIGHT / 2}px`,
        'target-endpoint': `${-NODE_WIDTH / 2}px 0px`,
        'taxi-turn': '100%',
      },
    },
    { selector: 'edge.mal-only', style: { 'line-style': 'dashed' } },
  ];
}
