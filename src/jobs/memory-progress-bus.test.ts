import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { MemoryProgressBus } from './memory-progress-bus.ts';
import { progressBusConformance } from '../../test/conformance/progress-bus-conformance.ts';

progressBusConformance('memory', () => new MemoryProgressBus());

describe('MemoryProgressBus', () => {
  const progress = (bus: MemoryProgressBus, jobId: string, done: number) =>
    bus.publish({ jobId, type: 'progress', progress: { phase: 'enrichment', done, total: 9, failed: 0, etaMs: 10 } });

  test('keeps only the last `capacity` events, in order', async () => {
    const bus = new MemoryProgressBus({ capacity: 3 });
    for (let i = 1; i <= 7; i++) await progress(bus, 'j', i);
    const seen: number[] = [];
    const stop = await bus.subscribe('j', 0, (e) => seen.push(e.seq));
    stop();
    assert.deepEqual(seen, [5, 6, 7]);
    assert.equal((await progress(bus, 'j', 8)).seq, 8, 'numbering goes on past the ring');
    await bus.close();
  });

  test('drops a finished job history after retainMs, but not a running one', async () => {
    const bus = new MemoryProgressBus({ retainMs: 30 });
    await progress(bus, 'done', 1);
    await bus.publish({ jobId: 'done', type: 'state', status: 'succeeded', franchiseId: 1 });
    await progress(bus, 'running', 1);
    await bus.publish({ jobId: 'running', type: 'state', status: 'running', franchiseId: null });
    assert.equal(bus.jobCount, 2);
    await delay(80);
    assert.equal(bus.jobCount, 1, 'only the running job is kept');
    const seen: number[] = [];
    (await bus.subscribe('running', 0, (e) => seen.push(e.seq)))();
    assert.deepEqual(seen, [1, 2]);
    await bus.close();
  });

  test('subscribers come and go without leaving anything behind', async () => {
    const bus = new MemoryProgressBus();
    const stops = await Promise.all(Array.from({ length: 5 }, (_, i) => bus.subscribe(`ghost-${i % 2}`, 0, () => {})));
    assert.equal(bus.listenerCount(), 5);
    assert.equal(bus.listenerCount('ghost-0'), 3);
    for (const stop of stops) stop();
    stops[0](); // a second call is harmless
    assert.equal(bus.listenerCount(), 0);
    assert.equal(bus.jobCount, 0, 'subscribing to unknown jobs leaves no entry');
    await bus.close();
  });

  test('rejects options out of range with the option named', () => {
    assert.throws(() => new MemoryProgressBus({ capacity: 0 }), /`capacity`.*got `0`/);
    assert.throws(() => new MemoryProgressBus({ retainMs: Number.NaN }), /`retainMs`/);
  });

  test('refuses to publish after close', async () => {
    const bus = new MemoryProgressBus();
    await bus.close();
    await assert.rejects(progress(bus, 'j', 1), /closed/);
  });
});
