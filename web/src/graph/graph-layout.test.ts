import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraphModel } from './graph-model.ts';
import { layoutGraph, type GraphLayout } from './graph-layout.ts';
import { catalogFranchiseView } from './testing/catalog-view.ts';
import type { FranchiseView } from '../../../src/ingest/franchise-view.ts';

const SIZE = { nodeWidth: 180, nodeHeight: 50, stackGap: 10, stackIndent: 20 };

function assertNoOverlap(layout: GraphLayout) {
  const boxes = [...layout.nodes.values()];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const apart = Math.abs(a.x - b.x) >= SIZE.nodeWidth || Math.abs(a.y - b.y) >= SIZE.nodeHeight;
      assert.ok(apart, `${a.id} and ${b.id} overlap at (${a.x}, ${a.y}) and (${b.x}, ${b.y})`);
    }
  }
}

test('Attack on Titan: the sequel chain runs left to right and side stories hang under Season 1', async () => {
  const layout = layoutGraph(buildGraphModel(await catalogFranchiseView(16498)), SIZE);
  const at = (id: number) => layout.nodes.get(id)!;
  const chain = [20811, 16498, 20958, 99147, 104578, 110277, 131681, 146984, 162314];
  for (let i = 1; i < chain.length; i++) {
    assert.ok(at(chain[i]).x > at(chain[i - 1]).x, `${chain[i]} is right of its prequel ${chain[i - 1]}`);
  }
  // The first chibi theatre, OAD, Junior High, Lost Girls (also Season 3's side story, but Season 1 is nearer the root) and Chronicle.
  const stacked = [19391, 18397, 21281, 99634, 119113];
  let below = at(16498).y;
  for (const id of stacked) {
    assert.equal(at(id).anchor, 16498, `${id} hangs under Season 1`);
    assert.equal(at(id).x, at(16498).x + SIZE.stackIndent);
    assert.ok(at(id).y > below, `${id} is below the one before it`);
    below = at(id).y;
  }
  assert.equal(layout.nodes.size, 22);
  assertNoOverlap(layout);
});

test('Mobile Suit Gundam (120 entries): every entry placed, none overlapping', async () => {
  const view = await catalogFranchiseView(80);
  const layout = layoutGraph(buildGraphModel(view), SIZE);
  assert.equal(layout.nodes.size, view.members.length);
  assert.ok(view.members.length > 100);
  assertNoOverlap(layout);
});

test('cycles and self-loops in upstream data still give a finite layout', () => {
  const member = (id: number) => ({
    id, idMal: null, title: `#${id}`, titles: { romaji: null, english: null, native: null }, format: 'TV', status: null,
    startDate: { year: null, month: null, day: null }, season: null, seasonYear: null, episodes: null, depth: id === 1 ? 0 : 1,
    averageScore: null, malScore: null, malStatus: null, coverImage: null, coverColor: null, description: null,
  });
  const view: FranchiseView = {
    franchise: { id: 1, title: '#1', size: 6, truncated: false, stale: false },
    members: [1, 2, 3, 4, 5, 6].map(member),
    relations: [
      { from: 1, to: 2, type: 'SEQUEL', source: 'anilist' },
      { from: 2, to: 1, type: 'SEQUEL', source: 'anilist' },
      { from: 3, to: 3, type: 'SEQUEL', source: 'anilist' },
      // Side stories in a ring: each is another's parent, none reached from a chain.
      { from: 4, to: 5, type: 'SIDE_STORY', source: 'anilist' },
      { from: 5, to: 6, type: 'SIDE_STORY', source: 'anilist' },
      { from: 6, to: 4, type: 'SIDE_STORY', source: 'anilist' },
    ],
    watchOrder: { recommended: [1, 2, 3, 4, 5, 6].map((id) => ({ id, role: 'main' as const, reason: 'main story, where it aired' })), release: [1, 2, 3, 4, 5, 6], story: [1, 2, 3, 4, 5, 6] },
    stats: { durationMs: 0, discoveryMs: 0, enrichmentMs: 0, upstreamRequests: { anilist: 0, jikan: 0 }, failures: [] },
  };
  const layout = layoutGraph(buildGraphModel(view), SIZE);
  assert.equal(layout.nodes.size, 6);
  for (const node of layout.nodes.values()) assert.ok(Number.isFinite(node.x) && Number.isFinite(node.y), `${node.id} placed`);
  const ring = [4, 5, 6].map((id) => layout.nodes.get(id)!);
  assert.equal(ring.filter((n) => n.anchor === null).length, 1, 'the ring is broken at one entry, the others hang under it');
  assertNoOverlap(layout);
});
