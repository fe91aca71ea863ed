import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../test/support/manual-clock.ts';
import { runAfter, runEvery } from './clock.ts';

test('runAfter calls once its time has come on the clock, and never once cancelled or aborted', async () => {
  const clock = new ManualClock();
  const calls: string[] = [];
  runAfter(clock, 100, () => calls.push('due'));
  const cancel = runAfter(clock, 100, () => calls.push('cancelled'));
  const shutdown = new AbortController();
  runAfter(clock, 100, () => calls.push('aborted'), shutdown.signal);
  runAfter(clock, 100, () => calls.push('aborted before'), AbortSignal.abort());
  await clock.advance(99);
  assert.deepEqual(calls, []);
  cancel();
  shutdown.abort();
  await clock.advance(1);
  assert.deepEqual(calls, ['due']);
  await clock.advance(1_000);
  assert.deepEqual(calls, ['due']);
  assert.equal(clock.pending, 0, 'nothing left scheduled');
});

test('runEvery calls every period until stopped', async () => {
  const clock = new ManualClock();
  let calls = 0;
  const stop = runEvery(clock, 50, () => calls++);
  await clock.advance(175);
  assert.equal(calls, 3);
  stop();
  await clock.advance(500);
  assert.equal(calls, 3);
  assert.equal(clock.pending, 0);
});
