import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { readProblem, startApiFixture, type ApiFixture } from '../../test/support/api-fixture.ts';
import { SseReader } from '../../test/support/sse-reader.ts';

async function openStreams(api: ApiFixture): Promise<number> {
  const metric = await api.metrics.registry.getSingleMetric('tsunagu_sse_streams')?.get();
  return metric?.values[0]?.value ?? 0;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

describe('GET /api/jobs/{id}/events', () => {
  let api: ApiFixture;
  before(async () => {
    api = await startApiFixture();
  });
  after(() => api.close());

  const open = async (jobId: string, init: RequestInit = {}, query = '') => {
    const response = await fetch(`${api.url}/api/jobs/${jobId}/events${query}`, init);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    return new SseReader(response);
  };
  // Each test its own franchise (an AniList id, loaded from the simulator), so each gets a job of its own.
  const newJob = async (query: string) => (await api.runtime.ingest.requestIngest({ query })).job.id;

  test('replays stored events, then live ones, then the final state, and closes', async () => {
    const id = await newJob('1');
    await api.worker.step(id, 1, 10);
    const stream = await open(id);
    await stream.until((s) => s.events.length === 3);
    await api.worker.step(id, 5, 10);
    await api.worker.finish(id, 'partial');
    await stream.done;
    assert.deepEqual(
      stream.events.map((m) => [m.id, m.event]),
      [['1', 'state'], ['2', 'state'], ['3', 'progress'], ['4', 'progress'], ['5', 'state']],
    );
    const last = JSON.parse(stream.events[4].data!);
    assert.deepEqual([last.jobId, last.seq, last.status], [id, 5, 'partial']);
    assert.equal(JSON.parse(stream.events[3].data!).progress.done, 5);
    await waitFor(() => api.bus.listenerCount(id) === 0, 'subscription released');
  });

  test('Last-Event-ID (header or query) resumes after that event', async () => {
    const id = await newJob('6');
    await api.worker.step(id, 1, 2);
    await api.worker.step(id, 2, 2);
    await api.worker.finish(id, 'succeeded');
    const byHeader = await open(id, { headers: { 'last-event-id': '3' } });
    await byHeader.done;
    assert.deepEqual(byHeader.events.map((m) => m.id), ['4', '5']);
    const byQuery = await open(id, {}, '?lastEventId=4');
    await byQuery.done;
    assert.deepEqual(byQuery.events.map((m) => m.id), ['5']);
  });

  test('a reader that had the final event gets 204, which stops EventSource; streams set retry:', async () => {
    const id = await newJob('19');
    await api.worker.step(id, 1, 1);
    await api.worker.finish(id, 'succeeded');
    const first = await open(id);
    await first.done;
    assert.equal(first.retry, 3000);
    const lastId = first.events.at(-1)!.id!;
    assert.equal(JSON.parse(first.events.at(-1)!.data!).status, 'succeeded');
    // The browser reconnects after the stream closed, with the id of the final event.
    const again = await fetch(`${api.url}/api/jobs/${id}/events`, { headers: { 'last-event-id': lastId } });
    assert.equal(again.status, 204);
    assert.equal(await again.text(), '');
    const byQuery = await fetch(`${api.url}/api/jobs/${id}/events?lastEventId=${lastId}`);
    assert.equal(byQuery.status, 204);
  });

  test('a finished job whose final event is gone answers its final state once, from the record, then 204', async () => {
    const id = await newJob('20');
    await api.worker.finish(id, 'failed', { silent: true });
    const stream = await open(id);
    await stream.done;
    const final = stream.events.at(-1)!;
    assert.equal(final.event, 'state');
    assert.equal(JSON.parse(final.data!).status, 'failed');
    assert.equal(final.id, stream.events.at(-2)?.id ?? '0', 'under the last real id: nothing newer exists');
    const again = await fetch(`${api.url}/api/jobs/${id}/events`, { headers: { 'last-event-id': final.id! } });
    assert.equal(again.status, 204);
    const past = await fetch(`${api.url}/api/jobs/${id}/events`, { headers: { 'last-event-id': '99' } });
    assert.equal(past.status, 204);
  });

  test('a client that disconnects mid-stream leaves no subscription or open stream behind', async () => {
    const id = await newJob('21');
    const clients = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const controller = new AbortController();
        const stream = await open(id, { signal: controller.signal });
        await stream.until((s) => s.events.length >= 1);
        return { controller, stream };
      }),
    );
    assert.equal(api.bus.listenerCount(id), 12);
    assert.equal(await openStreams(api), 12);
    for (const { controller } of clients) controller.abort();
    await waitFor(() => api.bus.listenerCount(id) === 0, 'subscriptions released');
    await waitFor(async () => (await openStreams(api)) === 0, 'stream gauge back to 0');
    // The job goes on; publishing to nobody must not fail.
    await api.worker.step(id, 1, 1);
  });

  test('an unknown job is a 404 problem; a bad Last-Event-ID is a 400 naming it', async () => {
    assert.equal((await readProblem(await fetch(`${api.url}/api/jobs/no-such-job/events`))).status, 404);
    const id = await newJob('22');
    for (const bad of ['-1', 'abc', '1.5', '1e3', '99999999999999999999']) {
      const problem = await readProblem(await fetch(`${api.url}/api/jobs/${id}/events`, { headers: { 'last-event-id': bad } }));
      assert.equal(problem.status, 400, bad);
      assert.deepEqual(problem.errors?.map((e) => e.field), ['last-event-id'], bad);
    }
    assert.equal(api.bus.listenerCount(), 0);
  });
});

describe('the event stream of a job run by the real engine', () => {
  test('a job run here against the simulator streams its whole life: queued first, ids in order, progress, its final state last', async () => {
    const api = await startApiFixture({ worker: true });
    try {
      // Death Note, not stored: discovery fetches its franchise from the simulator.
      const { job } = await api.runtime.ingest.requestIngest({ query: '1535', enrich: false });
      const stream = new SseReader(await fetch(`${api.url}/api/jobs/${job.id}/events`));
      await stream.done;
      assert.deepEqual(
        stream.events.map((m) => m.id),
        stream.events.map((_, i) => String(i + 1)),
      );
      const data = stream.events.map((m) => JSON.parse(m.data!));
      assert.deepEqual([stream.events[0]!.event, data[0].status], ['state', 'queued']);
      assert.ok(stream.events.some((m) => m.event === 'progress'), 'progress while it ran');
      assert.deepEqual([stream.events.at(-1)!.event, data.at(-1).status], ['state', 'succeeded']);
      assert.equal((await (await fetch(`${api.url}/api/jobs/${job.id}`)).json()).job.status, 'succeeded');
      assert.equal((await fetch(`${api.url}/api/anime/1535/franchise?ingest=false`)).status, 200, 'the franchise is stored');
    } finally {
      await api.close();
    }
  });
});

describe('event stream keep-alive and shutdown', () => {
  test('idle streams get heartbeat comments; a job that ends without an event is noticed at the next beat', async () => {
    const api = await startApiFixture({ config: { sseHeartbeatMs: 30 } });
    try {
      const { job } = await api.runtime.ingest.requestIngest({ query: '30' });
      const stream = new SseReader(await fetch(`${api.url}/api/jobs/${job.id}/events`));
      await stream.until((s) => s.messages.filter((m) => m.comment === 'heartbeat').length >= 2);
      await api.worker.finish(job.id, 'succeeded', { silent: true });
      await stream.done;
      const final = stream.events.at(-1)!;
      assert.equal(final.event, 'state');
      assert.equal(JSON.parse(final.data!).status, 'succeeded');
    } finally {
      await api.close();
    }
  });

  test('shutdown ends open streams so the server can close', async () => {
    const api = await startApiFixture();
    try {
      const { job } = await api.runtime.ingest.requestIngest({ query: '1535' });
      const streams = await Promise.all([1, 2, 3].map(async () => new SseReader(await fetch(`${api.url}/api/jobs/${job.id}/events`))));
      await Promise.all(streams.map((s) => s.until((r) => r.events.length === 1)));
      api.shutdown.abort();
      await Promise.all(streams.map((s) => s.done));
      await api.server.close();
      assert.equal(api.bus.listenerCount(), 0);
    } finally {
      await api.close();
    }
  });
});
