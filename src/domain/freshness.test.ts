import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRESHNESS_TTL_MS, freshnessTtlMs, isMalStale, isStale } from './freshness.ts';

const DAY = 86_400_000;
const now = Date.UTC(2026, 6, 1);

test('TTL by status: airing 1 day, announced 7 days, everything else 30 days', () => {
  const cases: [string | null, number][] = [
    ['RELEASING', DAY],
    ['NOT_YET_RELEASED', 7 * DAY],
    ['FINISHED', 30 * DAY],
    ['CANCELLED', 30 * DAY],
    ['HIATUS', 30 * DAY],
    ['SOMETHING_NEW', 30 * DAY],
    [null, 30 * DAY],
  ];
  for (const [status, ttl] of cases) assert.equal(freshnessTtlMs(status), ttl, String(status));
  assert.equal(FRESHNESS_TTL_MS.other, 30 * DAY);
});

test('data is stale from the moment its TTL has fully passed, not a millisecond earlier', () => {
  for (const status of ['RELEASING', 'NOT_YET_RELEASED', 'FINISHED', null]) {
    const ttl = freshnessTtlMs(status);
    assert.equal(isStale(status, now - ttl + 1, now), false, `${status} just inside`);
    assert.equal(isStale(status, now - ttl, now), true, `${status} at the TTL`);
  }
  // A RELEASING entry two days old is stale while a FINISHED one of the same age is not.
  assert.equal(isStale('RELEASING', now - 2 * DAY, now), true);
  assert.equal(isStale('FINISHED', now - 2 * DAY, now), false);
});

test('MAL data: none or failed is always stale; ok and missing age with the entry status', () => {
  assert.equal(isMalStale('FINISHED', null, now), true);
  assert.equal(isMalStale('FINISHED', { status: 'failed', fetchedAt: now }, now), true);
  assert.equal(isMalStale('FINISHED', { status: 'ok', fetchedAt: now - DAY }, now), false);
  assert.equal(isMalStale('FINISHED', { status: 'missing', fetchedAt: now - DAY }, now), false);
  assert.equal(isMalStale('RELEASING', { status: 'ok', fetchedAt: now - DAY }, now), true);
  assert.equal(isMalStale('FINISHED', { status: 'missing', fetchedAt: now - 31 * DAY }, now), true);
});
