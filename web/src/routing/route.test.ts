import { test } from 'node:test';
import assert from 'node:assert/strict';
import { animePath, parseRoute, searchPath } from './route.ts';

test('routes round-trip through their paths', () => {
  assert.deepEqual(parseRoute('/anime/16498', ''), { name: 'anime', id: 16498 });
  const path = new URL(searchPath('Attack on Titan & co', true), 'http://x');
  assert.deepEqual(parseRoute(path.pathname, path.search), { name: 'search', query: 'Attack on Titan & co', remote: true });
  assert.deepEqual(parseRoute('/', ''), { name: 'search', query: '', remote: false });
  assert.equal(animePath(5), '/anime/5');
});

test('anything else is not found, including ids that are not numbers', () => {
  assert.equal(parseRoute('/anime/abc', '').name, 'not-found');
  assert.equal(parseRoute('/anime/99999999999', '').name, 'not-found');
  assert.equal(parseRoute('/settings', '').name, 'not-found');
});
