import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throttle, type Timers } from './throttle.ts';

/** Timers driven by hand: `advance` runs whatever falls due. */
function manualTimers() {
  let now = 0;
  let next = 1;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      due.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (handle) => void due.delete(handle as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [handle, timer] of [...due].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > now) continue;
      due.delete(handle);
      timer.fn();
    }
  };
  return { timers, advance };
}

test('the first call runs at once, a burst after it runs once at the end of the interval', () => {
  const { timers, advance } = manualTimers();
  let runs = 0;
  const t = throttle(() => runs++, 500, timers);
  t.call();
  assert.equal(runs, 1);
  advance(100);
  t.call();
  t.call();
  t.call();
  assert.equal(runs, 1, 'calls inside the interval wait');
  advance(399);
  assert.equal(runs, 1);
  advance(1);
  assert.equal(runs, 2, 'the burst ran once, when the interval ended');
  advance(10_000);
  assert.equal(runs, 2, 'nothing runs without a call');
  t.call();
  assert.equal(runs, 3, 'a call after a quiet interval runs at once');
});

test('cancel drops the pending run', () => {
  const { timers, advance } = manualTimers();
  let runs = 0;
  const t = throttle(() => runs++, 500, timers);
  t.call();
  t.call();
  t.cancel();
  advance(1000);
  assert.equal(runs, 1);
});
