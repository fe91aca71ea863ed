import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGuides, type FranchiseGuide } from './franchise-guide.ts';
import { kendallTau, scoreFranchise, summarise } from './franchise-metrics.ts';
import { loadCatalog } from '../src/catalog/catalog.ts';

test('Kendall tau: 1 for the same order, -1 reversed, in between by discordant pairs', () => {
  assert.equal(kendallTau([1, 2, 3, 4], [1, 2, 3, 4]), 1);
  assert.equal(kendallTau([4, 3, 2, 1], [1, 2, 3, 4]), -1);
  // One swapped neighbour pair of 6 pairs: (5 - 1) / 6.
  assert.equal(kendallTau([2, 1, 3, 4], [1, 2, 3, 4]), 4 / 6);
  assert.equal(kendallTau([7], [7]), null);
  assert.throws(() => kendallTau([1, 2], [1, 3]), /same distinct ids/);
});

const guide: FranchiseGuide = {
  slug: 'sample',
  name: 'Sample',
  root: 1,
  source: 'test',
  entries: [[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']],
  notListed: [[8, 'promo']],
  others: [[9, 'another franchise']],
};

test('a franchise is scored on the guide entries it found, its leaks and what the guide never judged', () => {
  const score = scoreFranchise(guide, {
    members: [1, 2, 3, 8, 9, 10],
    orders: { release: [10, 3, 1, 9, 2, 8], recommended: [1, 2, 3, 8, 9, 10] },
  });
  assert.equal(score.recall, 3 / 4);
  assert.deepEqual(score.missed, [4]);
  assert.deepEqual(score.leaks, [9]);
  assert.deepEqual(score.unjudged, [10]);
  // Over the found guide entries only: release has 3 before 1 and 2 (two discordant pairs of three).
  assert.equal(score.tau.release, -1 / 3);
  assert.equal(score.tau.recommended, 1);
  assert.equal(score.tau.story, null);
  const summary = summarise([score, { ...score, recall: 1, leaks: [], tau: { release: 1, story: null, recommended: 0 } }]);
  assert.equal(summary.meanRecall, (0.75 + 1) / 2);
  assert.equal(summary.leaks, 1);
  assert.deepEqual(summary.meanTau, { release: (1 - 1 / 3) / 2, story: null, recommended: 0.5 });
});

test('every guide parses, has 25+ franchises together, and names only entries of the offline catalog', async () => {
  const guides = loadGuides();
  assert.ok(guides.length >= 25, `${guides.length} guides`);
  const catalog = await loadCatalog({ anilistOnly: true });
  for (const g of guides) {
    for (const [id, label] of [...g.entries, ...g.notListed, ...g.others]) assert.ok(catalog.media.has(id), `${g.slug}: ${id} ${label} is not in the catalog`);
    assert.ok(g.source.length > 20, `${g.slug} says where its judgement comes from`);
  }
});
