import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawnEdges } from './graph-edges.ts';
import { nextItem, readingOrder } from './graph-keyboard.ts';
import { buildGraphModel } from './graph-model.ts';
import { ENTRY_KEY, EXTRAS_KEY, GROUP_KEY } from './graph-layout.ts';
import { GRAPH_PADDING, planGraph, READABLE_ZOOM, type PanelSize } from './graph-plan.ts';
import { catalogFranchiseView } from './testing/catalog-view.ts';

// Panels as the page measures them: a 1280 x 800 window, a 390 x 844 phone.
const DESKTOP: PanelSize = { width: 830, maxHeight: 624, minHeight: 240 };
const PHONE: PanelSize = { width: 340, maxHeight: 658, minHeight: 240 };
const WIDE_BOXES = { nodeWidth: 172, nodeHeight: 52, stackIndent: 22, columnGap: 46 };
const NARROW_BOXES = { nodeWidth: 150, nodeHeight: 46, stackIndent: 16, columnGap: 28 };
const NOTHING = { continuities: new Set<number>(), extras: new Set<number>() };

/** The whole layout fits inside the panel at the plan's zoom, which is readable. */
function assertFitsReadably(plan: ReturnType<typeof planGraph>, panel: PanelSize, what: string) {
  assert.ok(plan.zoom >= READABLE_ZOOM, `${what}: zoom ${plan.zoom.toFixed(2)} is readable`);
  assert.ok(plan.layout.width * plan.zoom <= panel.width - 2 * GRAPH_PADDING + 0.5, `${what}: fits the width`);
  assert.ok(plan.layout.height * plan.zoom <= plan.height - 2 * GRAPH_PADDING + 0.5, `${what}: fits the height`);
  assert.ok(plan.height <= panel.maxHeight, `${what}: no taller than allowed`);
}

for (const [name, root, size] of [['Attack on Titan', 16498, 22], ['Monogatari', 5081, 23], ['Fate/stay night', 356, 64], ['Mobile Suit Gundam', 80, 143], ['One Piece', 21, 62]] as const) {
  test(`${name} (${size} entries) opens fitted and readable on a desktop and on a phone`, async () => {
    const model = buildGraphModel(await catalogFranchiseView(root));
    assert.equal(model.nodes.length, size);
    assertFitsReadably(planGraph(model, DESKTOP, NOTHING, WIDE_BOXES), DESKTOP, 'desktop');
    assertFitsReadably(planGraph(model, PHONE, NOTHING, NARROW_BOXES), PHONE, 'phone');
  });
}

test('Monogatari shows every entry on a desktop, nothing folded; Attack on Titan folds only what hangs under its chain; Gundam folds its continuities into boxes', async () => {
  const monogatari = planGraph(buildGraphModel(await catalogFranchiseView(5081)), DESKTOP, NOTHING, WIDE_BOXES);
  assert.equal(monogatari.level, 'open');
  assert.equal([...monogatari.layout.items.values()].filter((i) => i.kind === 'entry').length, 23);

  const aot = planGraph(buildGraphModel(await catalogFranchiseView(16498)), DESKTOP, NOTHING, WIDE_BOXES);
  assert.equal(aot.level, 'extras');
  const kinds = [...aot.layout.items.values()].map((i) => i.kind);
  assert.ok(!kinds.includes('group'), 'every continuity stays open');
  assert.ok(kinds.includes('extras'), 'the side stories under Season 1 fold into a "+N" box');
  assert.ok(aot.layout.items.has(ENTRY_KEY(16498)) && aot.layout.items.has(ENTRY_KEY(162314)), 'the whole chain is drawn');

  const gundam = planGraph(buildGraphModel(await catalogFranchiseView(80)), DESKTOP, NOTHING, WIDE_BOXES);
  assert.notEqual(gundam.level, 'open');
  assert.equal([...gundam.layout.items.values()].filter((i) => i.kind === 'group').length >= 16, true);
  // A wider, taller screen keeps the root's continuity open.
  const big = planGraph(buildGraphModel(await catalogFranchiseView(80)), { width: 1200, maxHeight: 842, minHeight: 240 }, NOTHING, WIDE_BOXES);
  assert.equal(big.level, 'continuities');
  assert.ok(big.layout.items.has(ENTRY_KEY(80)));
});

test('what the user unfolded stays unfolded; the zoom may then go below readable to keep it all in view', async () => {
  const model = buildGraphModel(await catalogFranchiseView(80));
  const folded = planGraph(model, DESKTOP, NOTHING, WIDE_BOXES);
  const root = folded.layout.continuities.find((c) => c.members.includes(80))!;
  const unfolded = planGraph(model, DESKTOP, { continuities: new Set([root.key]), extras: new Set([80]) }, WIDE_BOXES);
  assert.ok(unfolded.layout.items.has(ENTRY_KEY(80)), 'its chain is drawn');
  assert.ok(!unfolded.layout.items.has(EXTRAS_KEY(80)), "the root's extras are drawn too");
  assert.ok(!unfolded.layout.items.has(GROUP_KEY(root.key)));
  assert.ok(unfolded.layout.width * unfolded.zoom <= DESKTOP.width - 2 * GRAPH_PADDING + 0.5);
  assert.ok(unfolded.layout.height * unfolded.zoom <= DESKTOP.maxHeight - 2 * GRAPH_PADDING + 0.5);
});

test('edges go to the box that shows their end, once per pair of boxes; each "+N" box is tied to its entry', async () => {
  const model = buildGraphModel(await catalogFranchiseView(80));
  const plan = planGraph(model, DESKTOP, NOTHING, WIDE_BOXES);
  const { edges, links } = drawnEdges(model, plan.layout);
  const pairs = edges.map((e) => [e.source, e.target].sort().join('|'));
  assert.equal(new Set(pairs).size, pairs.length, 'one edge per pair');
  for (const edge of edges) {
    assert.ok(plan.layout.items.has(edge.source) && plan.layout.items.has(edge.target));
    assert.notEqual(edge.source, edge.target);
  }
  assert.ok(edges.length > 0, 'continuities are related (alternatives, spin-offs)');
  const extras = [...plan.layout.items.values()].filter((i) => i.kind === 'extras');
  assert.equal(links.length, extras.length);

  const monogatari = buildGraphModel(await catalogFranchiseView(5081));
  const wrapped = planGraph(monogatari, DESKTOP, NOTHING, WIDE_BOXES);
  assert.equal(wrapped.level, 'open');
  const drawn = drawnEdges(monogatari, wrapped.layout).edges;
  assert.ok(drawn.some((e) => e.stacked), 'side stories hang by an elbow');
  assert.ok(drawn.some((e) => e.wrapped), 'the chain wraps onto a second row');
  assert.equal(drawn.length, monogatari.edges.length, 'nothing folded, every edge drawn');
});

test('arrow keys walk the boxes: Right follows the chain, Down goes into the stack, Home and End the ends', async () => {
  const plan = planGraph(buildGraphModel(await catalogFranchiseView(16498)), DESKTOP, NOTHING, WIDE_BOXES);
  const boxes = [...plan.layout.items.values()];
  const box = (id: number) => plan.layout.items.get(ENTRY_KEY(id))!;
  assert.equal(nextItem(boxes, box(20811), 'right')?.key, ENTRY_KEY(16498), 'No Regrets, then Season 1');
  assert.equal(nextItem(boxes, box(16498), 'right')?.key, ENTRY_KEY(20958), 'then Season 2');
  assert.equal(nextItem(boxes, box(16498), 'down')?.key, EXTRAS_KEY(16498), 'down into its side stories, folded into "+N" on a desktop');
  assert.equal(nextItem(boxes, box(20958), 'left')?.key, ENTRY_KEY(16498));
  assert.equal(nextItem(boxes, box(20811), 'left'), null, 'nothing further left');
  const order = readingOrder(boxes);
  assert.equal(order[0]!.key, ENTRY_KEY(20811));
  // Every box is reachable from the first by arrow keys alone.
  const seen = new Set([order[0]!.key]);
  for (let frontier = [order[0]!]; frontier.length > 0; ) {
    const next = frontier.flatMap((from) => (['left', 'right', 'up', 'down'] as const).map((d) => nextItem(boxes, from, d)).filter((b) => b !== null));
    frontier = next.filter((b) => !seen.has(b!.key)).map((b) => (seen.add(b!.key), b!));
  }
  assert.equal(seen.size, boxes.length, 'no box out of reach');
});
