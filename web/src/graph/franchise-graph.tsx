import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import cytoscape, { type Core, type StylesheetJson } from 'cytoscape';
import type { GraphModel } from './graph-model.ts';
import { drawnEdges } from './graph-edges.ts';
import { arrowDirection, nextItem, readingOrder } from './graph-keyboard.ts';
import { continuityLabel, ENTRY_KEY, type Placement } from './graph-layout.ts';
import { GRAPH_PADDING, planGraph, type GraphPlan } from './graph-plan.ts';
import { relationStyle } from './relation-style.ts';
import { placeholderColor } from '../ui/cover-colors.ts';
import { shortTitle } from './short-title.ts';
import { whenLabel, formatLabel } from '../format/entry-format.ts';

interface FranchiseGraphProps {
  model: GraphModel;
  selected: number | null;
  onSelect: (id: number) => void;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const FONT_SIZE = 13;
/** A folded continuity says more in the same box. */
const GROUP_FONT_SIZE = 12;
/** Box sizes in graph units: a phone's narrower boxes keep two columns readable. */
const WIDE = { nodeWidth: 172, nodeHeight: 52, stackIndent: 22, columnGap: 46 };
const NARROW = { nodeWidth: 150, nodeHeight: 46, stackIndent: 16, columnGap: 28 };
/** Below this panel width, px, the narrow boxes. */
const NARROW_BELOW = 560;
type Sizes = typeof WIDE;
/** The graph's height: at least this, px... */
const MIN_HEIGHT = 240;
/** ...and at most this share of the window, so a large franchise still fits on one screen. */
const MAX_HEIGHT_SHARE = 0.78;

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

/**
 * The relation graph, drawn by cytoscape on a canvas. It opens fitted to its panel with
 * every box in view, and fits again when the panel is resized or entries arrive (until the
 * user pans or zooms). Large franchises fold what does not fit readably (see planGraph);
 * a "+N" box or a folded continuity unfolds on click or Enter. The keyboard walks it:
 * Tab to it, arrows move between boxes, Enter opens an entry's details.
 */
export function FranchiseGraph({ model, selected, onSelect }: FranchiseGraphProps) {
  const frameRef = useRef<HTMLDivElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const [panel, setPanel] = useState<{ width: number; windowHeight: number } | null>(null);
  const [unfoldedContinuities, setUnfoldedContinuities] = useState<ReadonlySet<number>>(new Set());
  const [unfoldedExtras, setUnfoldedExtras] = useState<ReadonlySet<number>>(new Set());
  const [focused, setFocused] = useState<string | null>(null);
  // The user panned or zoomed: new entries keep their view; a resize or the Fit button fits again.
  const movedRef = useRef(false);
  const fittedWidthRef = useRef(0);

  useLayoutEffect(() => {
    const frame = frameRef.current!;
    // Only a change of width or window height re-plans; the graph's own height changing must not.
    const measure = () => {
      const next = { width: Math.round(frame.clientWidth), windowHeight: window.innerHeight };
      setPanel((last) => (last?.width === next.width && last.windowHeight === next.windowHeight ? last : next));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(frame);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, []);

  const sizes: Sizes = panel && panel.width < NARROW_BELOW ? NARROW : WIDE;
  const plan = useMemo<GraphPlan | null>(() => {
    if (!panel) return null;
    const maxHeight = Math.max(MIN_HEIGHT, Math.round(panel.windowHeight * MAX_HEIGHT_SHARE));
    return planGraph(model, { width: panel.width, maxHeight, minHeight: MIN_HEIGHT }, { continuities: unfoldedContinuities, extras: unfoldedExtras }, sizes);
  }, [model, panel, sizes, unfoldedContinuities, unfoldedExtras]);

  const unfold = (item: Placement): Placement | null => {
    if (item.kind === 'group') setUnfoldedContinuities((s) => new Set([...s, item.continuity]));
    else if (item.kind === 'extras') setUnfoldedExtras((s) => new Set([...s, item.anchor!]));
    else return item;
    return null;
  };
  const activate = (item: Placement) => {
    if (unfold(item)) onSelectRef.current(item.entries[0]!);
    else setFocused(ENTRY_KEY(item.entries[0]!));
  };
  const activateRef = useRef(activate);
  activateRef.current = activate;

  // A selection made elsewhere (the watch order) unfolds whatever hides it; the first one
  // (the entry the page opened on) does not, so a large franchise opens folded.
  const shownSelectionRef = useRef(selected);
  useEffect(() => {
    if (!plan || selected === null || shownSelectionRef.current === selected) return;
    shownSelectionRef.current = selected;
    const key = plan.layout.itemOf.get(selected);
    const item = key ? plan.layout.items.get(key) : undefined;
    if (item && item.kind !== 'entry') unfold(item);
  }, [plan, selected]);

  useEffect(() => {
    if (!plan) return;
    const container = containerRef.current!;
    preventStylesheetInjection();
    container.style.height = `${plan.height}px`;
    const css = getComputedStyle(container);
    const theme = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const surface = theme('--graph-node', '#ffffff');
    const muted = theme('--muted', '#5d6374');
    const rootTitle = model.nodes.find((n) => n.id === model.rootId)?.title;
    const members = new Map(model.nodes.map((n) => [n.id, n]));
    const { edges, links } = drawnEdges(model, plan.layout);
    const items = [...plan.layout.items.values()];
    const cy = cytoscape({
      container,
      style: stylesheet(sizes, { surface, muted, text: theme('--text', '#1b1d24'), border: theme('--border-strong', '#c5c9d6'), accent: theme('--accent', '#3b4fd8') }),
      elements: [
        ...items.map((item) => ({
          group: 'nodes' as const,
          data: { id: item.key, label: itemLabel(item, members, rootTitle, plan, model.rootId, sizes), w: item.width, h: item.height },
          position: { x: item.x, y: item.y },
          classes: [item.kind, item.entries.includes(model.rootId) ? 'root' : ''].join(' '),
        })),
        ...plan.layout.labels.map((label) => ({
          group: 'nodes' as const,
          data: {
            id: `label:${label.continuity}`,
            label: [shortTitle(label.title, rootTitle), label.facts].filter(Boolean).join(' · '),
            maxWidth: `${Math.round(plan.layout.width)}px`,
          },
          position: { x: label.x, y: label.y },
          classes: 'heading',
        })),
        ...edges.map((edge) => ({
          group: 'edges' as const,
          data: { id: edge.id, source: edge.source, target: edge.target, color: relationStyle(edge.type).color },
          classes: [
            edge.malOnly ? 'mal-only' : '',
            edge.stacked ? 'stacked' : '',
            edge.wrapped ? 'wrapped' : '',
            plan.layout.items.get(edge.source)!.kind === 'group' || plan.layout.items.get(edge.target)!.kind === 'group' ? 'between-groups' : '',
          ].join(' '),
        })),
        ...links.map((link) => ({ group: 'edges' as const, data: { id: `${link.source}>${link.target}`, source: link.source, target: link.target }, classes: 'extras-link' })),
      ],
      layout: { name: 'preset', fit: false },
      minZoom: 0.1,
      maxZoom: 2.5,
      // Wheel zoom would steal the page's scrolling; the buttons zoom instead.
      userZoomingEnabled: false,
      boxSelectionEnabled: false,
      autoungrabify: true,
      autounselectify: true,
    });
    // Each entry's left edge carries its cover colour, tying the graph to the cards.
    for (const item of items) {
      if (item.kind !== 'entry') continue;
      const color = placeholderColor(item.entries[0]!, members.get(item.entries[0]!)?.coverColor ?? null);
      cy.getElementById(item.key).style({
        'background-fill': 'linear-gradient',
        'background-gradient-direction': 'to-right',
        'background-gradient-stop-colors': [color, color, surface, surface],
        'background-gradient-stop-positions': [0, 4, 4, 100],
      });
    }
    // A stacked entry's edge is drawn as an elbow from its anchor's left foot, like a tree view.
    cy.edges('.stacked').forEach((edge) => {
      edge.style(elbow(edge.target().position('y') - edge.source().position('y') - sizes.nodeHeight / 2, sizes));
    });
    cy.on('tap', 'node', (event) => {
      const item = plan.layout.items.get(event.target.id());
      if (item) activateRef.current(item);
    });
    cy.on('mouseover', 'node', (event) => {
      if (plan.layout.items.has(event.target.id())) container.classList.add('pointer');
    });
    cy.on('mouseout', 'node', () => container.classList.remove('pointer'));
    cy.on('dragpan', () => (movedRef.current = true));

    const previous = cyRef.current === null ? null : { zoom: cyRef.current.zoom(), pan: { ...cyRef.current.pan() } };
    if (movedRef.current && previous && fittedWidthRef.current === panelWidth(container)) cy.viewport(previous);
    else fit(cy);
    fittedWidthRef.current = panelWidth(container);

    // Where the drawing sits in the canvas, px (x1,y1,x2,y2 of every box and label): what a
    // test, or anyone checking that nothing is cut off, can read without cytoscape.
    const report = () => {
      const box = cy.elements().renderedBoundingBox();
      container.dataset.drawn = [box.x1, box.y1, box.x2, box.y2].map((n) => Math.round(n)).join(',');
      container.dataset.zoom = cy.zoom().toFixed(3);
    };
    cy.on('viewport', report);
    report();

    cyRef.current = cy;
    container.dataset.nodeIds = [...plan.layout.itemOf.keys()].join(',');
    container.dataset.shownIds = items.filter((i) => i.kind === 'entry').map((i) => i.entries[0]).join(',');
    container.dataset.fold = plan.level;
    return () => {
      cy.destroy();
      if (cyRef.current === cy) cyRef.current = null;
    };
  }, [plan, model, sizes]);

  // Selection and keyboard focus are classes on the drawn boxes.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !plan) return;
    cy.nodes().removeClass('selected focused');
    // The entry's own box, or the folded box that holds it.
    const holder = selected === null ? undefined : plan.layout.itemOf.get(selected);
    if (holder) cy.getElementById(holder).addClass('selected');
    if (focused !== null) {
      const node = cy.getElementById(focused);
      node.addClass('focused');
      const box = node.nonempty() ? node.renderedBoundingBox() : null;
      if (box && (box.x1 < 0 || box.y1 < 0 || box.x2 > cy.width() || box.y2 > cy.height())) cy.animate({ center: { eles: node } }, { duration: 200 });
    }
  }, [selected, focused, plan]);

  const zoom = (factor: number) => {
    const cy = cyRef.current;
    if (!cy) return;
    movedRef.current = true;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };

  const boxes = plan ? [...plan.layout.items.values()] : [];
  const current = focused ? plan?.layout.items.get(focused) : undefined;
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!plan || boxes.length === 0) return;
    const start = current ?? plan.layout.items.get(ENTRY_KEY(selected ?? model.rootId)) ?? readingOrder(boxes)[0]!;
    const direction = arrowDirection(event.key);
    let next: Placement | null = null;
    if (direction) next = current ? nextItem(boxes, start, direction) : start;
    else if (event.key === 'Home') next = readingOrder(boxes)[0]!;
    else if (event.key === 'End') next = readingOrder(boxes).at(-1)!;
    else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      activate(start);
      return;
    } else return;
    event.preventDefault();
    if (next) setFocused(next.key);
  };

  const members = useMemo(() => new Map(model.nodes.map((n) => [n.id, n])), [model]);
  return (
    <div className="graph-frame" ref={frameRef}>
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
            movedRef.current = false;
            if (cyRef.current) fit(cyRef.current);
          }}
          aria-label="Fit the whole graph"
        >
          ⤢
        </button>
      </div>
      <div
        ref={containerRef}
        className="graph"
        data-testid="graph"
        data-node-count={model.nodes.length}
        tabIndex={0}
        role="application"
        aria-roledescription="relation graph"
        aria-label={`Relation graph of ${model.nodes.length} entries. Arrow keys move between entries, Enter opens one or unfolds a group.`}
        aria-describedby="graph-focus"
        onKeyDown={onKeyDown}
        onFocus={() => {
          if (focused === null && plan) setFocused(plan.layout.itemOf.get(selected ?? model.rootId) ?? null);
        }}
      />
      <p id="graph-focus" className="visually-hidden" aria-live="polite" data-testid="graph-focus" data-key={current?.key ?? ''}>
        {current && plan ? describeItem(current, members, plan, model.rootId) : ''}
      </p>
    </div>
  );
}

function panelWidth(container: HTMLElement): number {
  return Math.round(container.clientWidth);
}

/** Everything in view, centred, never magnified past 1. */
function fit(cy: Core): void {
  cy.resize();
  cy.fit(cy.nodes(), GRAPH_PADDING);
  if (cy.zoom() > 1) {
    cy.zoom(1);
    cy.center(cy.nodes());
  }
}

type Members = Map<number, GraphModel['nodes'][number]>;

function itemLabel(item: Placement, members: Members, franchiseTitle: string | undefined, plan: GraphPlan, rootId: number, sizes: Sizes): string {
  const font = `${FONT_SIZE}px ${FONT}`;
  if (item.kind === 'extras') return `+${item.entries.length} ${item.entries.length === 1 ? 'extra' : 'extras'}`;
  if (item.kind === 'group') {
    const continuity = plan.layout.continuities.find((c) => c.key === item.continuity)!;
    const { title, facts } = continuityLabel(continuity, members, rootId);
    return `${fitWidth(shortTitle(title, franchiseTitle), `bold ${GROUP_FONT_SIZE}px ${FONT}`, sizes.nodeWidth - 16)}\n${facts}`;
  }
  const node = members.get(item.entries[0]!)!;
  const title = fitWidth(shortTitle(node.title, franchiseTitle), `${node.id === rootId ? 'bold ' : ''}${font}`, sizes.nodeWidth - 24);
  // A narrow box has room for the year, not the season.
  const when = sizes === NARROW ? (node.startDate.year ?? 'TBA') : whenLabel(node);
  return `${title}\n${formatLabel(node.format)} · ${when}`;
}

/** What the screen reader says when the keyboard reaches a box. */
function describeItem(item: Placement, members: Members, plan: GraphPlan, rootId: number): string {
  if (item.kind === 'extras') {
    const anchor = members.get(item.anchor!)!;
    return `${item.entries.length} more entries of ${anchor.title}, folded. Enter shows them.`;
  }
  if (item.kind === 'group') {
    const continuity = plan.layout.continuities.find((c) => c.key === item.continuity)!;
    const { title, facts } = continuityLabel(continuity, members, rootId);
    return `${title}, ${facts}, folded. Enter shows it.`;
  }
  const node = members.get(item.entries[0]!)!;
  return `${node.title}, ${formatLabel(node.format)}, ${whenLabel(node)}. Enter opens its details.`;
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
function elbow(drop: number, sizes: Sizes) {
  const across = sizes.stackIndent / 2;
  const length = Math.hypot(across, drop);
  return {
    'curve-style': 'segments',
    'edge-distances': 'endpoints',
    'source-endpoint': `${-sizes.nodeWidth / 2 + across}px ${sizes.nodeHeight / 2}px`,
    'target-endpoint': `${-sizes.nodeWidth / 2}px 0px`,
    'segment-weights': (drop * drop) / (length * length),
    'segment-distances': (across * drop) / length,
  } as const;
}

function stylesheet(sizes: Sizes, colors: { surface: string; text: string; border: string; accent: string; muted: string }): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        shape: 'round-rectangle',
        width: 'data(w)',
        height: 'data(h)',
        'background-color': colors.surface,
        'border-width': 1,
        'border-color': colors.border,
        label: 'data(label)',
        color: colors.text,
        'font-family': FONT,
        'font-size': FONT_SIZE,
        'text-wrap': 'wrap',
        'text-max-width': `${sizes.nodeWidth - 16}px`,
        'text-valign': 'center',
        'text-halign': 'center',
        'line-height': 1.35,
      },
    },
    { selector: 'node.extras', style: { 'border-style': 'dashed', color: colors.muted, 'font-size': 12 } },
    {
      selector: 'node.group',
      style: { 'border-width': 3, 'border-style': 'double', 'border-color': colors.border, 'font-size': GROUP_FONT_SIZE, 'text-max-width': `${sizes.nodeWidth - 8}px` },
    },
    { selector: 'node.root', style: { 'border-width': 2, 'border-color': colors.accent, 'font-weight': 'bold' } },
    {
      selector: 'node.heading',
      style: {
        width: 1,
        height: 1,
        'background-opacity': 0,
        'border-width': 0,
        'text-halign': 'right',
        'text-wrap': 'ellipsis',
        'text-max-width': 'data(maxWidth)',
        'font-weight': 'bold',
        'font-size': 12,
        color: colors.muted,
        events: 'no',
      },
    },
    {
      selector: 'node.selected',
      style: { 'border-width': 3, 'border-color': colors.accent, 'underlay-color': colors.accent, 'underlay-opacity': 0.18, 'underlay-padding': 5 },
    },
    { selector: 'node.focused', style: { 'outline-width': 3, 'outline-color': colors.accent, 'outline-offset': 4, 'outline-style': 'dashed' } },
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
    // Around the row, in the gap above the next one, not through the stacks hanging in between.
    { selector: 'edge.wrapped', style: { 'curve-style': 'taxi', 'taxi-direction': 'downward', 'taxi-turn': -14 } },
    { selector: 'edge.between-groups', style: { width: 1.5, opacity: 0.55 } },
    { selector: 'edge.mal-only', style: { 'line-style': 'dashed' } },
    { selector: 'edge.extras-link', style: { width: 1, 'line-color': colors.border, 'line-style': 'dashed', 'target-arrow-shape': 'none', 'curve-style': 'straight' } },
  ];
}
