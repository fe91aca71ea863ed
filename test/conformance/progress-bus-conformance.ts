import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import type { ProgressBus, ProgressEvent } from '../../src/ingest/progress-event.ts';

/**
 * The behaviour every ProgressBus must have, run against each implementation (memory
 * now, Redis when scaled out). Delivery may be asynchronous, so checks wait for it.
 */
export function progressBusConformance(name: string, makeBus: () => Promise<ProgressBus> | ProgressBus): void {
  describe(`ProgressBus conformance: ${name}`, () => {
    let bus: ProgressBus;
    let n = 0;
    // Unique ids, so implementations with shared state (Redis) do not see earlier runs.
    const jobId = () => `conf-${process.pid}-${Date.now()}-${++n}`;
    const progress = (id: string, done: number) =>
      bus.publish({ jobId: id, type: 'progress', progress: { phase: 'discovery', done, total: 10, failed: 0, etaMs: null } });

    before(async () => {
      bus = await makeBus();
    });
    after(async () => {
      await bus.close();
    });

    test('publish numbers events 1, 2, 3 per job and stamps them', async () => {
      const a = jobId();
      const b = jobId();
      const first = await progress(a, 1);
      const second = await progress(a, 2);
      const other = await progress(b, 1);
      assert.deepEqual([first.seq, second.seq, other.seq], [1, 2, 1]);
      assert.equal(first.jobId, a);
      assert.ok(!Number.isNaN(Date.parse(first.at)), `at is a timestamp: ${first.at}`);
      assert.deepEqual(first.type === 'progress' && first.progress.done, 1);
    });

    test('lastSeq tells the newest held event; forget drops a history for good', async () => {
      const id = jobId();
      const other = jobId();
      assert.equal(await bus.lastSeq(id), 0, 'nothing published yet');
      await progress(id, 1);
      await progress(id, 2);
      await progress(other, 1);
      assert.equal(await bus.lastSeq(id), 2);
      await bus.forget([id]);
      assert.equal(await bus.lastSeq(id), 0);
      assert.equal(await bus.lastSeq(other), 1, 'other jobs keep theirs');
      const replayed: ProgressEvent[] = [];
      const stop = await bus.subscribe(id, 0, (event) => replayed.push(event));
      await delay(50);
      stop();
      assert.deepEqual(replayed, []);
      await bus.forget([]);
    });

    test('subscribe replays what came after afterSeq, then delivers live events, in order', async () => {
      const id = jobId();
      for (let i = 1; i <= 5; i++) await progress(id, i);
      const seen: ProgressEvent[] = [];
      const stop = await bus.subscribe(id, 2, (e) => seen.push(e));
      await waitFor(() => seen.length === 3, 'replay of 3, 4, 5');
      await progress(id, 6);
      await bus.publish({ jobId: id, type: 'state', status: 'succeeded', franchiseId: 7 });
      await waitFor(() => seen.length === 5, 'two live events');
      stop();
      assert.deepEqual(seen.map((e) => e.seq), [3, 4, 5, 6, 7]);
      const last = seen[4];
      assert.equal(last.type === 'state' && last.status, 'succeeded');
    });

    test('stored events are delivered by the time subscribe resolves', async () => {
      // The SSE endpoint relies on this to tell "nothing stored" from "not delivered yet".
      const id = jobId();
      await progress(id, 1);
      await bus.publish({ jobId: id, type: 'state', status: 'failed', franchiseId: null });
      const seen: number[] = [];
      const stop = await bus.subscribe(id, 0, (e) => seen.push(e.seq));
      assert.deepEqual(seen, [1, 2]);
      stop();
    });

    test('a subscription made before the job publishes gets everything', async () => {
      const id = jobId();
      const seen: number[] = [];
      const stop = await bus.subscribe(id, 0, (e) => seen.push(e.seq));
      await progress(id, 1);
      await progress(id, 2);
      await waitFor(() => seen.length === 2, 'two live events');
      stop();
      assert.deepEqual(seen, [1, 2]);
    });

    test('events published while subscribing are neither lost nor repeated', async () => {
      const id = jobId();
      for (let i = 1; i <= 20; i++) await progress(id, i);
      const seen: number[] = [];
      const publishing = (async () => {
        for (let i = 21; i <= 60; i++) await progress(id, i);
      })();
      const stop = await bus.subscribe(id, 10, (e) => seen.push(e.seq));
      await publishing;
      await waitFor(() => seen.length >= 50, '50 events');
      await delay(20);
      stop();
      assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => i + 11));
    });

    test('unsubscribing stops delivery; other subscribers keep theirs', async () => {
      const id = jobId();
      const a: number[] = [];
      const b: number[] = [];
      const stopA = await bus.subscribe(id, 0, (e) => a.push(e.seq));
      const stopB = await bus.subscribe(id, 0, (e) => b.push(e.seq));
      await progress(id, 1);
      await waitFor(() => a.length === 1 && b.length === 1, 'both got event 1');
      stopA();
      await progress(id, 2);
      await waitFor(() => b.length === 2, 'b got event 2');
      await delay(20);
      stopB();
      assert.deepEqual(a, [1]);
      assert.deepEqual(b, [1, 2]);
    });

    test('a listener that throws does not stop the others or the publisher', async () => {
      const id = jobId();
      const seen: number[] = [];
      const stopBad = await bus.subscribe(id, 0, () => {
        throw new Error('broken reader');
      });
      const stopGood = await bus.subscribe(id, 0, (e) => seen.push(e.seq));
      await progress(id, 1);
      await progress(id, 2);
      await waitFor(() => seen.length === 2, 'good listener got both');
      stopBad();
      stopGood();
      assert.deepEqual(seen, [1, 2]);
    });

    test('a finished job can still be replayed right after its final state', async () => {
      const id = jobId();
      await progress(id, 1);
      await bus.publish({ jobId: id, type: 'failure', failure: { id: 5, upstream: 'jikan', status: 500, message: 'boom' } });
      await bus.publish({ jobId: id, type: 'state', status: 'partial', franchiseId: 1 });
      const seen: ProgressEvent[] = [];
      const stop = await bus.subscribe(id, 0, (e) => seen.push(e));
      await waitFor(() => seen.length === 3, 'replay of 3');
      stop();
      assert.deepEqual(seen.map((e) => e.type), ['progress', 'failure', 'state']);
      const failure = seen[1];
      assert.equal(failure.type === 'failure' && failure.failure.message, 'boom');
    });
  });
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}
