import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlidingLog } from './sliding-window.ts';

test('counts arrivals in (now - window, now]', () => {
  const log = new SlidingLog(60_000);
  for (const t of [0, 500, 1000, 1001]) log.add(t);
  assert.equal(log.count(1001, 1000), 3, '(1, 1001] holds 500, 1000 and 1001');
  assert.equal(log.count(1500, 1000), 2, '(500, 1500] no longer holds 500');
  assert.equal(log.count(60_000, 60_000), 3, 'the arrival at 0 has just left');
});

test('freesAt: when the window next holds fewer than the limit', () => {
  const log = new SlidingLog(60_000);
  for (const t of [0, 10_000, 20_000]) log.add(t);
  assert.equal(log.freesAt(30_000, 60_000, 3), 60_000);
  assert.equal(log.freesAt(30_000, 60_000, 2), 70_000, 'two must leave when the limit dropped to 2');
  assert.equal(log.freesAt(30_000, 60_000, 4), 30_000, 'room now');
});

test('stays correct over many arrivals (compaction)', () => {
  const log = new SlidingLog(1_000);
  for (let t = 0; t < 50_000; t += 10) log.add(t);
  assert.equal(log.count(49_990, 1_000), 100);
  log.clear();
  assert.equal(log.count(49_990, 1_000), 0);
});
