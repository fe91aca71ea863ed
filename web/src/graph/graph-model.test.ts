import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraphModel } from './graph-model.ts';
import { catalogFranchiseView } from './testing/catalog-view.ts';
import { bareMember } from './testing/bare-member.ts';
import { bareView } from './testing/bare-view.ts';

const edge = (model: ReturnType<typeof buildGraphModel>, a: number, b: number) =>
  model.edges.find((e) => (e.from === a && e.to === b) || (e.from === b && e.to === a));

test('Attack on Titan: one forward edge per related pair, the more specific type winning', async () => {
  const view = await catalogFranchiseView(16498);
  assert.equal(view.members.length, 22);
  const model = buildGraphModel(view);
  const pairs = new Set(view.relations.map((r) => [Math.min(r.from, r.to), Math.max(r.from, r.to)].join('-')));
  assert.equal(model.edges.length, pairs.size, 'one edge per related pair');

  assert.deepEqual(edge(model, 16498, 20958), { id: '16498>20958', from: 16498, to: 20958, type: 'SEQUEL', malOnly: false });
  // No Regrets is listed as Season 1's PREQUEL: drawn as its own SEQUEL edge into Season 1.
  assert.deepEqual(edge(model, 16498, 20811), { id: '20811>16498', from: 20811, to: 16498, type: 'SEQUEL', malOnly: false });
  // Junior High lists Season 1 as PARENT, Season 1 lists it as SPIN_OFF: the stated SPIN_OFF wins over the inverse.
  assert.equal(edge(model, 16498, 21281)?.type, 'SPIN_OFF');
  assert.equal(edge(model, 16498, 21281)?.from, 16498);
  assert.equal(edge(model, 16498, 119113)?.type, 'SUMMARY');
  for (const e of model.edges) {
    assert.ok(!['PREQUEL', 'PARENT', 'CONTAINS', 'SOURCE'].includes(e.type), `edge ${e.id} reads backwards (${e.type})`);
  }
});

test("MAL-only edges are marked; AniList's word wins where both have the pair", () => {
  const member = (id: number, depth: number) => bareMember(id, { depth, startDate: { year: 2000 + id, month: null, day: null } });
  const view = bareView([member(1, 0), member(2, 1), member(3, 1)], [
    { from: 1, to: 2, type: 'SEQUEL', source: 'anilist' },
    { from: 1, to: 2, type: 'SIDE_STORY', source: 'mal' },
    { from: 3, to: 1, type: 'PARENT', source: 'mal' },
    { from: 1, to: 1, type: 'SEQUEL', source: 'anilist' },
    { from: 1, to: 99, type: 'SEQUEL', source: 'anilist' },
  ]);
  const model = buildGraphModel(view);
  assert.deepEqual(
    model.edges.map((e) => [e.from, e.to, e.type, e.malOnly]),
    [
      [1, 2, 'SEQUEL', false],
      [1, 3, 'SIDE_STORY', true],
    ],
    'self-loops and edges leaving the franchise are not drawn',
  );
});
