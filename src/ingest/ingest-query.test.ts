import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../errors.ts';
import { formatIngestQuery, parseIngestQuery } from './ingest-query.ts';

test('parseIngestQuery reads AniList ids, mal:ID and titles', () => {
  const cases: [string, ReturnType<typeof parseIngestQuery>][] = [
    ['16498', { kind: 'anilist', id: 16498 }],
    [' 16498 ', { kind: 'anilist', id: 16498 }],
    ['2147483647', { kind: 'anilist', id: 2147483647 }],
    ['mal:16498', { kind: 'mal', malId: 16498 }],
    ['MAL: 5114', { kind: 'mal', malId: 5114 }],
    ['Attack on Titan', { kind: 'title', title: 'Attack on Titan' }],
    ['進撃の巨人', { kind: 'title', title: '進撃の巨人' }],
    ['Steins;Gate 0', { kind: 'title', title: 'Steins;Gate 0' }],
    ['86', { kind: 'anilist', id: 86 }],
    ['Re:Zero', { kind: 'title', title: 'Re:Zero' }],
  ];
  for (const [raw, expected] of cases) assert.deepEqual(parseIngestQuery(raw), expected, raw);
});

test('parseIngestQuery refuses what cannot name an anime, naming the query', () => {
  for (const raw of ['', '  ', '0', '-1', '+5', '2147483648', 'mal:', 'mal:x', 'mal:-2', 'mal:0', 'mal:99999999999', 'a\u0007b', '?!', 'x'.repeat(256)]) {
    assert.throws(() => parseIngestQuery(raw), (error: unknown) => error instanceof InputError && error.field === 'query', JSON.stringify(raw));
  }
});

test('formatIngestQuery gives back a query that parses to the same thing', () => {
  for (const raw of ['16498', 'mal:5114', 'Fate/stay night']) {
    const parsed = parseIngestQuery(raw);
    assert.deepEqual(parseIngestQuery(formatIngestQuery(parsed)), parsed);
  }
});
