import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../errors.ts';
import { DEFAULT_FOLLOW, defaultPolicy, parsePolicy } from './franchise-policy.ts';

test('the default policy follows the story relations and leaves out the ones that join unrelated works', () => {
  assert.equal(defaultPolicy.maxEntries, 500);
  assert.equal(defaultPolicy.maxDepth, 40);
  assert.deepEqual([...defaultPolicy.follow], [...DEFAULT_FOLLOW]);
  for (const type of ['CHARACTER', 'OTHER', 'ADAPTATION', 'SOURCE']) assert.equal(defaultPolicy.follow.has(type), false, type);
});

test('an unknown relation type is named, with the valid ones', () => {
  assert.throws(
    () => parsePolicy('SEQUEL,FRIENDS,PREQUEL'),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.field, 'follow');
      assert.match(error.message, /Unknown relation type `FRIENDS`/);
      assert.match(error.message, /valid types: SEQUEL, PREQUEL, PARENT, SIDE_STORY, .*CHARACTER, OTHER/);
      return true;
    },
  );
  assert.throws(() => parsePolicy(' , '), /at least one relation type/);
});

test('caps outside their range are refused, naming the cap', () => {
  assert.throws(() => parsePolicy('SEQUEL', { maxEntries: 0 }), /Expected `maxEntries` to be an integer from 1 to 5000, got `0`/);
  assert.throws(() => parsePolicy('SEQUEL', { maxEntries: 2.5 }), /`maxEntries`/);
  assert.throws(() => parsePolicy('SEQUEL', { maxDepth: -1 }), /Expected `maxDepth` to be an integer from 0 to 1000, got `-1`/);
  assert.throws(() => parsePolicy('SEQUEL', { maxDepth: Number.NaN }), /`maxDepth`/);
  assert.equal(parsePolicy('SEQUEL', { maxDepth: 0 }).maxDepth, 0);
  assert.equal(parsePolicy(['SEQUEL']).maxEntries, 500);
});
