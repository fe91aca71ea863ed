import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPolicy } from '../domain/franchise-policy.ts';
import { InputError } from '../errors.ts';
import { loadConfig } from './config.ts';
import { policyFromConfig } from './franchise-policy-options.ts';

test('the default policy is what the FRANCHISE_* options default to', () => {
  const fromConfig = policyFromConfig(loadConfig({}));
  assert.deepEqual([...fromConfig.follow].sort(), [...defaultPolicy.follow].sort());
  assert.equal(fromConfig.maxEntries, defaultPolicy.maxEntries);
  assert.equal(fromConfig.maxDepth, defaultPolicy.maxDepth);
});

test('options from the environment reach the policy', () => {
  const policy = policyFromConfig(
    loadConfig({ FRANCHISE_FOLLOW: 'sequel, prequel,side story', FRANCHISE_MAX_ENTRIES: '30', FRANCHISE_MAX_DEPTH: '3' }),
  );
  assert.deepEqual([...policy.follow], ['SEQUEL', 'PREQUEL', 'SIDE_STORY']);
  assert.equal(policy.maxEntries, 30);
  assert.equal(policy.maxDepth, 3);
});

test('an unknown relation type in FRANCHISE_FOLLOW is named, with the valid ones', () => {
  assert.throws(
    () => policyFromConfig(loadConfig({ FRANCHISE_FOLLOW: 'SEQUEL,FRIENDS,PREQUEL' })),
    (error: unknown) => error instanceof InputError && error.field === 'follow' && /Unknown relation type `FRIENDS`/.test(error.message),
  );
});
