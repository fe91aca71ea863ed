import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAnilistSchema } from './anilist-schema.ts';
import { DocumentCache } from './document-cache.ts';

describe('DocumentCache', () => {
  const schema = loadAnilistSchema();

  it('answers a repeated query text with the same checked document, and keeps errors too', () => {
    const cache = new DocumentCache(schema);
    const first = cache.check('{ Media(id: 1) { id } }');
    assert.ok('document' in first);
    assert.equal(cache.check('{ Media(id: 1) { id } }'), first, 'a hit is the cached object, not a re-parse');
    const bad = cache.check('{ Media(id: 1) { nope } }');
    assert.ok('errors' in bad && /nope/.test(bad.errors[0]!.message));
    const broken = cache.check('{ Media(');
    assert.ok('errors' in broken && /Syntax Error/.test(broken.errors[0]!.message));
  });

  it('drops the least recently used text beyond its capacity', () => {
    const cache = new DocumentCache(schema, 2);
    const a = cache.check('{ Media(id: 1) { id } }');
    const b = cache.check('{ Media(id: 2) { id } }');
    cache.check('{ Media(id: 1) { id } }'); // a is now the most recent
    cache.check('{ Media(id: 3) { id } }'); // drops id: 2
    assert.equal(cache.size, 2);
    assert.equal(cache.check('{ Media(id: 1) { id } }'), a);
    assert.notEqual(cache.check('{ Media(id: 2) { id } }'), b, 'id: 2 was dropped and parsed again');
    assert.throws(() => new DocumentCache(schema, 0), /Expected `capacity` to be an integer >= 1, got `0`/);
  });
});
