import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock, T0 } from './fixtures.ts';
import type { SuiteContext } from './store-conformance.ts';

const ingest = (dedupeKey: string | null, payload: unknown = { root: 16498 }) => ({ kind: 'ingest' as const, dedupeKey, payload });

export function jobCases(ctx: SuiteContext): void {
  test('jobs: a created job round-trips and survives closing and reopening the database', async () => {
    const clock = manualClock();
    const { store, url } = await ctx.open({ clock });
    const { job, created } = await store.jobs.create(ingest('franchise:16498', { root: 16498, title: '進撃の巨人 "quoted" 🌠' }));
    assert.equal(created, true);
    assert.deepEqual(job, {
      id: job.id,
      kind: 'ingest',
      dedupeKey: 'franchise:16498',
      status: 'queued',
      payload: { root: 16498, title: '進撃の巨人 "quoted" 🌠' },
      progress: null,
      failures: [],
      result: null,
      attempts: 0,
      workerId: null,
      leaseUntil: null,
      createdAt: T0,
      startedAt: null,
      finishedAt: null,
      updatedAt: T0,
    });
    await store.close();
    const { store: reopened } = await ctx.open({ url, clock });
    assert.deepEqual(await reopened.jobs.get(job.id), job);
    assert.equal(await reopened.jobs.get('no-such-job'), undefined);
  });

  test('jobs: 20 concurrent creates with one dedupe key, over two connections, make exactly one job', async () => {
    const { store: a, url } = await ctx.open();
    const { store: b } = await ctx.open({ url });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).jobs.create(ingest('franchise:1'))));
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.job.id)).size, 1);
    assert.equal((await a.jobs.list()).length, 1);
    assert.equal((await a.jobs.findActive(['other', 'franchise:1']))?.id, results[0]!.job.id);
    assert.equal(await a.jobs.findActive(['other']), undefined);
    assert.equal(await a.jobs.findActive([]), undefined);

    // A finished job frees its key; jobs without a key never collide.
    await a.jobs.finish(results[0]!.job.id, 'succeeded');
    assert.equal((await a.jobs.create(ingest('franchise:1'))).created, true);
    assert.equal((await a.jobs.create(ingest(null))).created, true);
    assert.equal((await a.jobs.create(ingest(null))).created, true);
    assert.deepEqual(await a.checkInvariants(), { ok: true, problems: [] });
  });

  test('jobs: concurrent claimers on two connections each get different jobs, oldest first, until none is left', async () => {
    const clock = manualClock();
    const { store: a, url } = await ctx.open({ clock });
    const { store: b } = await ctx.open({ url, clock });
    const created: string[] = [];
    for (let i = 0; i < 12; i++) {
      created.push((await a.jobs.create(ingest(`k${i}`))).job.id);
      clock.advance(1);
    }
    const claimed: string[] = [];
    const worker = async (store: typeof a, name: string) => {
      for (let job = await store.jobs.claim(name, 60_000); job; job = await store.jobs.claim(name, 60_000)) {
        assert.equal(job.status, 'running');
        assert.equal(job.workerId, name);
        assert.equal(job.attempts, 1);
        claimed.push(job.id);
      }
    };
    await Promise.all([worker(a, 'w1'), worker(b, 'w2'), worker(a, 'w3'), worker(b, 'w4')]);
    assert.equal(claimed.length, 12, 'every job claimed once');
    assert.deepEqual([...claimed].sort(), [...created].sort(), 'no job claimed twice');
    const { store: c } = await ctx.open({ url, clock });
    assert.equal((await c.jobs.create(ingest('last'))).created, true);
    clock.advance(1);
    assert.equal((await c.jobs.claim('w5', 1000))?.dedupeKey, 'last');
  });

  test('jobs: claims take the oldest queued job; an expired lease lets another worker reclaim a running job', async () => {
    const clock = manualClock();
    const { store } = await ctx.open({ clock });
    const first = (await store.jobs.create(ingest('a'))).job;
    clock.advance(10);
    const second = (await store.jobs.create(ingest('b'))).job;

    const claimed = await store.jobs.claim('w1', 1000);
    assert.equal(claimed?.id, first.id);
    assert.equal(claimed?.leaseUntil, T0 + 10 + 1000);
    assert.equal(claimed?.startedAt, T0 + 10);
    assert.equal((await store.jobs.claim('w2', 1000))?.id, second.id);
    assert.equal(await store.jobs.claim('w3', 1000), undefined, 'both leases still hold');

    clock.advance(900);
    assert.equal(await store.jobs.heartbeat(first.id, 'w1', 1000), true);
    assert.equal(await store.jobs.heartbeat(first.id, 'w2', 1000), false, 'not w2s job');
    clock.advance(500);
    // The second job's lease (until T0+1010) has passed; the first was extended to T0+1910.
    const reclaimed = await store.jobs.claim('w3', 1000);
    assert.equal(reclaimed?.id, second.id);
    assert.equal(reclaimed?.attempts, 2);
    assert.equal(reclaimed?.startedAt, T0 + 10, 'started when first claimed');
    assert.equal(await store.jobs.heartbeat(second.id, 'w2', 1000), false, 'w2 lost its lease');
    assert.equal(await store.jobs.claim('w4', 1000), undefined);
    await assert.rejects(store.jobs.claim('w4', 0), /leaseMs/);
  });

  test('jobs: a claim naming a job takes only that one, and only when it is free', async () => {
    const clock = manualClock();
    const { store } = await ctx.open({ clock });
    const older = (await store.jobs.create(ingest('older'))).job;
    clock.advance(10);
    const named = (await store.jobs.create(ingest('named'))).job;
    const claimed = await store.jobs.claim('w1', 1000, named.id);
    assert.equal(claimed?.id, named.id, 'the named job, not the oldest');
    assert.equal(claimed?.attempts, 1);
    assert.equal(await store.jobs.claim('w2', 1000, named.id), undefined, 'its lease holds');
    assert.equal(await store.jobs.claim('w2', 1000, 'no-such-job'), undefined);
    clock.advance(1001);
    assert.equal((await store.jobs.claim('w2', 1000, named.id))?.attempts, 2, 'taken over once the lease passed');
    await store.jobs.finish(named.id, 'succeeded');
    assert.equal(await store.jobs.claim('w3', 1000, named.id), undefined, 'a finished job is not run again');
    assert.equal((await store.jobs.get(older.id))?.status, 'queued');
  });

  test('jobs: progress, finish with failures and result, requeue, list by status', async () => {
    const clock = manualClock();
    const { store } = await ctx.open({ clock });
    const job = (await store.jobs.create(ingest('x'))).job;
    await store.jobs.claim('w1', 1000);
    clock.advance(5);
    assert.equal(await store.jobs.updateProgress(job.id, { phase: 'discover', done: 3, total: 16 }), true);
    assert.equal(await store.jobs.updateProgress('nope', {}), false);
    assert.deepEqual((await store.jobs.get(job.id))?.progress, { phase: 'discover', done: 3, total: 16 });
    clock.advance(5);
    const finished = await store.jobs.finish(job.id, 'partial', { failures: [{ id: 99, error: 'HTTP 500' }], result: { members: 15 } });
    assert.equal(finished?.status, 'partial');
    assert.deepEqual(finished?.failures, [{ id: 99, error: 'HTTP 500' }]);
    assert.deepEqual(finished?.result, { members: 15 });
    assert.equal(finished?.finishedAt, T0 + 10);
    assert.equal(finished?.leaseUntil, null);
    assert.equal(await store.jobs.heartbeat(job.id, 'w1', 1000), false, 'a finished job has no lease');

    const other = (await store.jobs.create(ingest('x'))).job;
    assert.notEqual(other.id, job.id);
    assert.equal(await store.jobs.requeue(job.id), undefined, 'key held by another active job');
    await store.jobs.finish(other.id, 'cancelled');
    const requeued = await store.jobs.requeue(job.id);
    assert.equal(requeued?.status, 'queued');
    assert.equal(requeued?.finishedAt, null);

    assert.deepEqual((await store.jobs.list({ status: 'cancelled' })).map((j) => j.id), [other.id]);
    assert.deepEqual((await store.jobs.list()).map((j) => j.id), [other.id, job.id], 'newest first');
    assert.deepEqual((await store.jobs.list({ limit: 1 })).map((j) => j.id), [other.id]);
    assert.equal(await store.jobs.finish('nope', 'failed'), undefined);
  });
}
