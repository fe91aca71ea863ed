import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../../../src/store/job-repository.ts';
import { DAY, T0 } from '../../fixtures/store-fixtures.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import type { SuiteContext } from './store-conformance.ts';

const ingest = (dedupeKey: string | null, payload: unknown = { root: 16498 }) => ({ kind: 'ingest' as const, dedupeKey, payload });

export function jobCases(ctx: SuiteContext): void {
  test('jobs: a created job round-trips and survives closing and reopening the database', async () => {
    const clock = new ManualClock(T0);
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
    await a.jobs.claim('w', 60_000, results[0]!.job.id);
    await a.jobs.finish(results[0]!.job.id, 'w', 'succeeded');
    assert.equal((await a.jobs.create(ingest('franchise:1'))).created, true);
    assert.equal((await a.jobs.create(ingest(null))).created, true);
    assert.equal((await a.jobs.create(ingest(null))).created, true);
    assert.deepEqual(await a.checkInvariants(), { ok: true, problems: [] });
  });

  test('jobs: concurrent claimers on two connections each get different jobs, oldest first, until none is left', async () => {
    const clock = new ManualClock(T0);
    const { store: a, url } = await ctx.open({ clock });
    const { store: b } = await ctx.open({ url, clock });
    const created: string[] = [];
    for (let i = 0; i < 12; i++) {
      created.push((await a.jobs.create(ingest(`k${i}`))).job.id);
      await clock.advance(1);
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
    await clock.advance(1);
    assert.equal((await c.jobs.claim('w5', 1000))?.dedupeKey, 'last');
  });

  test('jobs: claims take the oldest queued job; an expired lease lets another worker reclaim a running job', async () => {
    const clock = new ManualClock(T0);
    const { store } = await ctx.open({ clock });
    const first = (await store.jobs.create(ingest('a'))).job;
    await clock.advance(10);
    const second = (await store.jobs.create(ingest('b'))).job;

    const claimed = await store.jobs.claim('w1', 1000);
    assert.equal(claimed?.id, first.id);
    assert.equal(claimed?.leaseUntil, T0 + 10 + 1000);
    assert.equal(claimed?.startedAt, T0 + 10);
    assert.equal((await store.jobs.claim('w2', 1000))?.id, second.id);
    assert.equal(await store.jobs.claim('w3', 1000), undefined, 'both leases still hold');

    await clock.advance(900);
    assert.equal(await store.jobs.heartbeat(first.id, 'w1', 1000), true);
    assert.equal(await store.jobs.heartbeat(first.id, 'w2', 1000), false, 'not w2s job');
    await clock.advance(500);
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
    const clock = new ManualClock(T0);
    const { store } = await ctx.open({ clock });
    const older = (await store.jobs.create(ingest('older'))).job;
    await clock.advance(10);
    const named = (await store.jobs.create(ingest('named'))).job;
    const claimed = await store.jobs.claim('w1', 1000, named.id);
    assert.equal(claimed?.id, named.id, 'the named job, not the oldest');
    assert.equal(claimed?.attempts, 1);
    assert.equal(await store.jobs.claim('w2', 1000, named.id), undefined, 'its lease holds');
    assert.equal(await store.jobs.claim('w2', 1000, 'no-such-job'), undefined);
    await clock.advance(1001);
    assert.equal((await store.jobs.claim('w2', 1000, named.id))?.attempts, 2, 'taken over once the lease passed');
    await store.jobs.finish(named.id, 'w2', 'succeeded');
    assert.equal(await store.jobs.claim('w3', 1000, named.id), undefined, 'a finished job is not run again');
    assert.equal((await store.jobs.get(older.id))?.status, 'queued');
  });

  test('jobs: progress, finish with failures and result, requeue, list by status', async () => {
    const clock = new ManualClock(T0);
    const { store } = await ctx.open({ clock });
    const job = (await store.jobs.create(ingest('x'))).job;
    await store.jobs.claim('w1', 1000);
    await clock.advance(5);
    assert.equal(await store.jobs.updateProgress(job.id, { phase: 'discover', done: 3, total: 16 }), true);
    assert.equal(await store.jobs.updateProgress('nope', {}), false);
    assert.deepEqual((await store.jobs.get(job.id))?.progress, { phase: 'discover', done: 3, total: 16 });
    await clock.advance(5);
    const finished = await store.jobs.finish(job.id, 'w1', 'partial', { failures: [{ id: 99, error: 'HTTP 500' }], result: { members: 15 } });
    assert.equal(finished?.status, 'partial');
    assert.deepEqual(finished?.failures, [{ id: 99, error: 'HTTP 500' }]);
    assert.deepEqual(finished?.result, { members: 15 });
    assert.equal(finished?.finishedAt, T0 + 10);
    assert.equal(finished?.leaseUntil, null);
    assert.equal(await store.jobs.heartbeat(job.id, 'w1', 1000), false, 'a finished job has no lease');
    assert.equal(await store.jobs.updateProgress(job.id, { phase: 'late' }), false, 'a finished job keeps its last progress');

    const other = (await store.jobs.create(ingest('x'))).job;
    assert.notEqual(other.id, job.id);
    await store.jobs.claim('w2', 1000, other.id);
    assert.equal(await store.jobs.requeue(other.id, 'w1'), undefined, 'not w1s job');
    assert.equal((await store.jobs.requeue(other.id, 'w2'))?.status, 'queued');
    assert.equal(await store.jobs.requeue(other.id, 'w2'), undefined, 'only a running job goes back');
    await store.jobs.cancel(other.id);

    assert.deepEqual((await store.jobs.list({ status: 'cancelled' })).map((j) => j.id), [other.id]);
    assert.deepEqual((await store.jobs.list()).map((j) => j.id), [other.id, job.id], 'newest first');
    assert.deepEqual((await store.jobs.list({ limit: 1 })).map((j) => j.id), [other.id]);
    assert.equal(await store.jobs.finish('nope', 'w1', 'failed'), undefined);
    assert.equal(await store.jobs.cancel('nope'), undefined);
  });

  test('jobs: list pages through every job in either order, ties on created_at broken by id', async () => {
    const clock = new ManualClock(T0);
    const { store } = await ctx.open({ clock });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await store.jobs.create(ingest(`p${i}`))).job.id);
      if (i % 3 === 2) await clock.advance(1);
    }
    const pages = async (oldestFirst: boolean) => {
      const seen: string[] = [];
      let after: Job | undefined;
      for (;;) {
        const page = await store.jobs.list({ status: 'queued', limit: 2, oldestFirst, after });
        seen.push(...page.map((j) => j.id));
        if (page.length < 2) return seen;
        after = page[page.length - 1];
      }
    };
    const oldest = await pages(true);
    assert.equal(new Set(oldest).size, 7);
    assert.deepEqual([...oldest].sort(), [...ids].sort());
    assert.deepEqual(await pages(false), [...oldest].reverse());
  });

  test('jobs: state changes are compare-and-set on status and owner (two connections racing)', async () => {
    const clock = new ManualClock(T0);
    const { store: a, url } = await ctx.open({ clock });
    const { store: b } = await ctx.open({ url, clock });

    // A cancel between the worker's last look and its finish wins; the finish writes nothing.
    const raced = (await a.jobs.create(ingest('race:finish'))).job;
    await a.jobs.claim('w1', 60_000, raced.id);
    assert.equal((await b.jobs.cancel(raced.id))?.cancelled, true);
    assert.equal(await a.jobs.finish(raced.id, 'w1', 'succeeded', { result: { late: true } }), undefined);
    assert.equal((await b.jobs.get(raced.id))?.status, 'cancelled');
    assert.equal(await a.jobs.heartbeat(raced.id, 'w1', 60_000), false);

    // A cancel after the job succeeded changes nothing.
    const done = (await a.jobs.create(ingest('race:cancel'))).job;
    await a.jobs.claim('w1', 60_000, done.id);
    assert.equal((await a.jobs.finish(done.id, 'w1', 'succeeded'))?.status, 'succeeded');
    const late = await b.jobs.cancel(done.id);
    assert.equal(late?.cancelled, false);
    assert.equal(late?.job.status, 'succeeded');

    // A job cancelled elsewhere is never put back in the queue by its old worker.
    const stopping = (await a.jobs.create(ingest('race:requeue'))).job;
    await a.jobs.claim('w1', 60_000, stopping.id);
    await b.jobs.cancel(stopping.id);
    assert.equal(await a.jobs.requeue(stopping.id, 'w1'), undefined);
    assert.equal((await a.jobs.get(stopping.id))?.status, 'cancelled');

    // A job taken over after a lost lease: the old worker can neither requeue, finish nor renew it.
    const taken = (await a.jobs.create(ingest('race:takeover'))).job;
    await a.jobs.claim('w1', 1_000, taken.id);
    await clock.advance(1_001);
    assert.equal((await b.jobs.claim('w2', 60_000, taken.id))?.workerId, 'w2');
    assert.equal(await a.jobs.requeue(taken.id, 'w1'), undefined);
    assert.equal(await a.jobs.finish(taken.id, 'w1', 'failed'), undefined);
    assert.equal(await a.jobs.heartbeat(taken.id, 'w1', 60_000), false);
    const owner = await b.jobs.get(taken.id);
    assert.equal(owner?.status, 'running');
    assert.equal(owner?.workerId, 'w2');
    assert.equal((await b.jobs.finish(taken.id, 'w2', 'succeeded'))?.status, 'succeeded');

    // Concurrent finish and cancel on two connections: exactly one wins, and the record says which.
    for (let i = 0; i < 10; i++) {
      const job = (await a.jobs.create(ingest(`race:both:${i}`))).job;
      await a.jobs.claim('w1', 60_000, job.id);
      const [finished, cancelled] = await Promise.all([a.jobs.finish(job.id, 'w1', 'succeeded'), b.jobs.cancel(job.id)]);
      const stored = await a.jobs.get(job.id);
      assert.equal((finished !== undefined) !== (cancelled?.cancelled === true), true, 'one of the two changed the job');
      assert.equal(stored?.status, finished ? 'succeeded' : 'cancelled');
    }
  });

  test('jobs: prune deletes only jobs finished before the cutoff, oldest first, and the latest finished stays one query away', async () => {
    const clock = new ManualClock(T0);
    const { store } = await ctx.open({ clock });
    const finishedAt: Record<string, number> = {};
    const finish = async (key: string, status: 'succeeded' | 'failed') => {
      const { job } = await store.jobs.create(ingest(key));
      await store.jobs.claim('w', 60_000, job.id);
      await store.jobs.finish(job.id, 'w', status);
      finishedAt[job.id] = clock.now();
      await clock.advance(DAY);
      return job.id;
    };
    const old1 = await finish('franchise:1', 'succeeded');
    const old2 = await finish('franchise:1', 'failed');
    const recent = await finish('franchise:1', 'succeeded');
    const running = (await store.jobs.create(ingest('franchise:2'))).job;
    await store.jobs.claim('w', 1, running.id);
    const queued = (await store.jobs.create(ingest('franchise:3'))).job;
    const cutoff = finishedAt[recent]!;
    assert.deepEqual(await store.jobs.prune(cutoff, 1), [old1], 'one at a time, oldest first');
    assert.deepEqual(await store.jobs.prune(cutoff, 100), [old2]);
    assert.deepEqual(await store.jobs.prune(cutoff, 100), []);
    assert.deepEqual(
      (await store.jobs.list()).map((j) => j.id).sort(),
      [recent, running.id, queued.id].sort(),
      'active jobs stay however old, and so does what finished after the cutoff',
    );
    assert.equal((await store.jobs.findLatestFinished(['franchise:9', 'franchise:1'], ['succeeded', 'partial']))?.id, recent);
  });
}
