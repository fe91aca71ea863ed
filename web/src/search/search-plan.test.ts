import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchResult } from '../api/api-types.ts';
import { bestToOpen, didYouMean, hasGoodMatch, readDidYouMean } from './search-plan.ts';

const result = (id: number, match: SearchResult['match'], source: SearchResult['source'] = 'store'): SearchResult => ({
  id,
  idMal: null,
  title: `Entry ${id}`,
  format: 'TV',
  seasonYear: 2013,
  coverImage: null,
  stored: source === 'store',
  source,
  match,
});

test('a good match in the store spares AniList; only partial or no matches ask it', () => {
  assert.equal(hasGoodMatch([]), false, 'an empty store');
  assert.equal(hasGoodMatch([result(1, 'partial'), result(2, 'none')]), false, '"monogatari" finding only Nisemonogatari');
  for (const match of ['exact', 'prefix', 'word'] as const) assert.equal(hasGoodMatch([result(1, 'partial'), result(2, match)]), true, match);
});

test('Enter opens the first result only when its title matches well', () => {
  assert.equal(bestToOpen([result(16498, 'exact', 'anilist'), result(2, 'prefix')])?.id, 16498);
  assert.equal(bestToOpen([result(1, 'partial')]), null, 'a partial match is shown, not opened');
  assert.equal(bestToOpen([]), null);
});

test('Did you mean: the other matches after the opened one, at most five, never a non-match', () => {
  const results = [result(1, 'exact'), result(2, 'prefix'), result(3, 'none'), ...[4, 5, 6, 7, 8].map((id) => result(id, 'word'))];
  const offer = didYouMean('fate', results, 1);
  assert.equal(offer.query, 'fate');
  assert.deepEqual(offer.alternatives.map((a) => a.id), [2, 4, 5, 6, 7]);
  assert.deepEqual(offer.alternatives[0], { id: 2, title: 'Entry 2', format: 'TV', seasonYear: 2013 });
});

test('history state is read defensively: anything else is no offer', () => {
  const offer = didYouMean('fate', [result(1, 'exact'), result(2, 'prefix')], 1);
  assert.deepEqual(readDidYouMean({ didYouMean: offer }), offer);
  assert.equal(readDidYouMean(null), null);
  assert.equal(readDidYouMean({ didYouMean: { query: 3 } }), null);
  assert.deepEqual(readDidYouMean({ didYouMean: { query: 'x', alternatives: [{ id: 'no' }, { id: 4, title: 'ok' }] } })?.alternatives, [{ id: 4, title: 'ok' }]);
});
