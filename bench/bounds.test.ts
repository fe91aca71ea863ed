import assert from 'node:assert/strict';
import { test } from 'node:test';
import { levelCount, lowerBounds, windowScheduleMs } from './bounds.ts';

test('the last of n requests waits for whichever of the two windows binds', () => {
  assert.equal(windowScheduleMs(0, 3, 60), 0);
  assert.equal(windowScheduleMs(3, 3, 60), 0, 'three fit in the first second');
  assert.equal(windowScheduleMs(4, 3, 60), 1000);
  assert.equal(windowScheduleMs(60, 3, 60), 19_000, '60 at 3/s: the per-second window binds');
  assert.equal(windowScheduleMs(61, 3, 60), 60_000, 'the 61st waits for the first to leave the minute');
  assert.equal(windowScheduleMs(120, 3, 60), 79_000, "the second minute's 60 go at 3/s from 60 s on");
});

test('levels count depth 0 as the first level', () => {
  assert.equal(levelCount([0]), 1);
  assert.equal(levelCount([0, 1, 1, 2, 7]), 8);
  assert.equal(levelCount([]), 0);
});

test('enrichment cannot end before the deepest MAL entry is found, nor before the windows allow', () => {
  const base = { anilistRttMs: 300, jikanRttMs: 300, jikanPerSecond: 3, jikanPerMinute: 60 };
  // 16 MAL entries: Jikan's 3/s lets the last go at 5 s, later than the deepest is found (8 x 300 ms).
  assert.deepEqual(lowerBounds({ ...base, levels: 8, malEntries: 16, malLevels: 8 }), { discoveryMs: 2400, enrichmentMs: 5300 });
  // A long chain with few MAL entries: the deepest is found at 20 x 300 ms, long after Jikan would allow.
  assert.deepEqual(lowerBounds({ ...base, levels: 20, malEntries: 4, malLevels: 20 }), { discoveryMs: 6000, enrichmentMs: 6300 });
  assert.deepEqual(lowerBounds({ ...base, levels: 3, malEntries: 0, malLevels: 0 }), { discoveryMs: 900, enrichmentMs: 0 });
});
