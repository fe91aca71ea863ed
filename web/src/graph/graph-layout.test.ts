import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraphModel } from './graph-model.ts';
import { ENTRY_KEY, EXTRAS_KEY, GROUP_KEY, layoutGraph, type GraphLayout } from './graph-layout.ts';
import { catalogFranchiseView } from './testing/catalog-view.ts';
import { bareMember } from './testing/bare-member.ts';
import { bareView } from './testing/bare-view.ts';
import type { FranchiseView } from '../../../src/ingest/franchise-view.ts';

const SIZE = { nodeWidth: 180, nodeHeight: 50, stackGap: 10, stackIndent: 20 };
const AOT_CHAIN = [20811, 16498, 20958, 99147, 104578, 110277, 131681, 146984, 162314];

function assertNoOverlap(layout: GraphLayout) {
  const boxes = [...layout.items.values()];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
      assert.ok(apart, `${a.key} and ${b.key} overlap at (${a.x}, ${a.y}) and (${b.x}, ${b.y})`);
    }
  }
}

/** Every entry is shown by exactly one box, and every box lies inside the layout's bounds. */
function assertComplete(layout: GraphLayout, view: FranchiseView) {
  assert.deepEqual([...layout.itemOf.keys()].sort((a, b) => a - b), view.members.map((m) => m.id).sort((a, b) => a - b));
  const shown = [...layout.items.values()].flatMap((item) => item.entries);
  assert.equal(shown.length, view.members.length, 'no entry in two boxes');
  for (const item of layout.items.values()) {
    assert.ok(item.x - item.width / 2 >= 0 && item.x + item.width / 2 <= layout.width + 0.001, `${item.key} inside horizontally`);
    assert.ok(item.y - item.height / 2 >= 0 && item.y + item.height / 2 <= layout.height + 0.001, `${item.key} inside vertically`);
  }
}

test('Attack on Titan unwrapped: the sequel chain runs left to right and side stories hang under Season 1', async () => {
  const view = await catalogFranchiseView(16498);
  const layout = layoutGraph(buildGraphModel(view), SIZE);
  const at = (id: number) => layout.items.get(ENTRY_KEY(id))!;
  for (let i = 1; i < AOT_CHAIN.length; i++) {
    assert.ok(at(AOT_CHAIN[i]!).x > at(AOT_CHAIN[i - 1]!).x, `${AOT_CHAIN[i]} is right of its prequel ${AOT_CHAIN[i - 1]}`);
    assert.equal(at(AOT_CHAIN[i]!).y, at(AOT_CHAIN[0]!).y, 'one row');
  }
  // The first chibi theatre, OAD, Junior High, Lost Girls (also Season 3's side story, but Season 1 is nearer the root) and Chronicle.
  let below = at(16498).y;
  for (const id of [19391, 18397, 21281, 99634, 119113]) {
    assert.equal(at(id).anchor, 16498, `${id} hangs under Season 1`);
    assert.equal(at(id).x, at(16498).x + SIZE.stackIndent);
    assert.ok(at(id).y > below, `${id} is below the one before it`);
    below = at(id).y;
  }
  assert.equal(layout.continuities.length, 3, 'the main story, the compilation films and the chibi theatre series');
  assert.ok(layout.continuities[0]!.members.includes(16498), "the root's continuity first");
  assertComplete(layout, view);
  assertNoOverlap(layout);
});

test('a chain wraps after `columns` entries and keeps its story order row by row', async () => {
  const view = await catalogFranchiseView(16498);
  const layout = layoutGraph(buildGraphModel(view), { ...SIZE, columns: 4 });
  const xs = new Set([...layout.items.values()].filter((i) => i.anchor === null).map((i) => i.x));
  assert.ok(xs.size <= 4, `at most 4 columns, saw ${xs.size}`);
  const order = [...AOT_CHAIN].sort((a, b) => {
    const pa = layout.items.get(ENTRY_KEY(a))!;
    const pb = layout.items.get(ENTRY_KEY(b))!;
    return pa.y - pb.y || pa.x - pb.x;
  });
  assert.deepEqual(order, AOT_CHAIN, 'reading order is story order');
  assert.ok(layout.width < 4 * (SIZE.nodeWidth + SIZE.stackIndent + 50));
  assertComplete(layout, view);
  assertNoOverlap(layout);
});

test('Mobile Suit Gundam (143 entries) is 17 continuities; folded extras and continuities still show every entry once', async () => {
  const view = await catalogFranchiseView(80);
  const model = buildGraphModel(view);
  const open = layoutGraph(model, { ...SIZE, columns: 4 });
  assert.equal(open.continuities.length, 17);
  assert.ok(open.continuities[0]!.chain.includes(80), 'the root continuity (the Universal Century) first');
  assertComplete(open, view);
  assertNoOverlap(open);

  const extras = layoutGraph(model, { ...SIZE, columns: 4, foldExtras: true, openExtras: new Set([80]) });
  assert.ok([...extras.items.values()].every((i) => i.kind !== 'entry' || i.anchor === null || i.anchor === 80), 'only the unfolded stack shows its entries');
  assert.ok([...extras.items.values()].some((i) => i.kind === 'extras'));
  assertComplete(extras, view);
  assertNoOverlap(extras);

  const others = new Set(open.continuities.slice(1).map((c) => c.key));
  const folded = layoutGraph(model, { ...SIZE, columns: 4, foldExtras: true, foldedContinuities: others });
  const groups = [...folded.items.values()].filter((i) => i.kind === 'group');
  assert.equal(groups.length, 16);
  const seed = open.continuities.find((c) => c.chain.some((id) => view.members.find((m) => m.id === id)?.title === 'Mobile Suit Gundam SEED'))!;
  assert.deepEqual(folded.items.get(GROUP_KEY(seed.key))!.entries.sort(), [...seed.members].sort(), 'a folded box holds its whole continuity');
  assert.ok(folded.height < open.height / 2, `folding shrinks it (${folded.height} vs ${open.height})`);
  assertComplete(folded, view);
  assertNoOverlap(folded);
});

test('cycles and self-loops in upstream data still give a finite layout', () => {
  const member = (id: number) => bareMember(id, { depth: id === 1 ? 0 : 1 });
  const view = bareView([1, 2, 3, 4, 5, 6].map(member), [
    { from: 1, to: 2, type: 'SEQUEL', source: 'anilist' },
    { from: 2, to: 1, type: 'SEQUEL', source: 'anilist' },
    { from: 3, to: 3, type: 'SEQUEL', source: 'anilist' },
    // Side stories in a ring: each is another's parent, none reached from a chain.
    { from: 4, to: 5, type: 'SIDE_STORY', source: 'anilist' },
    { from: 5, to: 6, type: 'SIDE_STORY', source: 'anilist' },
    { from: 6, to: 4, type: 'SIDE_STORY', source: 'anilist' },
  ]);
  const layout = layoutGraph(buildGraphModel(view), { ...SIZE, columns: 2 });
  assert.equal(layout.items.size, 6);
  for (const item of layout.items.values()) assert.ok(Number.isFinite(item.x) && Number.isFinite(item.y), `${item.key} placed`);
  const ring = [4, 5, 6].map((id) => layout.items.get(ENTRY_KEY(id))!);
  assert.equal(ring.filter((n) => n.anchor === null).length, 1, 'the ring is broken at one entry, the others hang under it');
  assert.equal(layoutGraph(buildGraphModel(view), { ...SIZE, foldExtras: true }).items.has(EXTRAS_KEY(ring.find((n) => n.anchor === null)!.entries[0]!)), true);
  assertComplete(layout, view);
  assertNoOverlap(layout);
});
