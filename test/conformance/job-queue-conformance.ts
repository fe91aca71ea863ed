import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import type { Job, JobRepository } from '../../src/store/job-repository.ts';
import type { StoreSchema } from '../../src/store/schema.ts';
import { JobInterruption, type JobContext, type JobHandler, type JobOutcome, type JobQueue } from '../../src/jobs/job-queue.ts';

/** What the suite needs from an implementation under test. */
export interface JobQueueHarness {
  /** The persisted job records the queue works on, to inspect and to play a dead worker. */
  jobs: JobRepository;
  /** The database under `jobs`, to play another worker that took a job over. */
  db: Kysely<StoreSchema>;
  /** A queue over the same persisted jobs; two of them behave as two processes. */
  open(options: { concurrency: number; leaseMs: number }): Promise<JobQueue>;
  /** Releases everything the harness made. */
  close(): Promise<void>;
}

const SHORT_LEASE_MS = 400;

/** Resolves when `check` holds, polling; fails with `what` after `timeoutMs`. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function finalJob(jobs: JobRepository, id: string): Promise<Job> {
  let job: Job | undefined;
  await until(`job ${id} to finish`, async () => {
    job = await jobs.get(id);
    return job !== undefined && job.status !== 'queued' && job.status !== 'running';
  });
  return job!;
}

/** A handler that records what it ran and finishes each job when the test says so. */
function gatedHandler() {
  const started: string[] = [];
  const release = new Map<string, (outcome: JobOutcome) => void>();
  const signals = new Map<string, AbortSignal>();
  const settled: Job[] = [];
  let active = 0;
  let peak = 0;
  const handler: JobHandler = {
    run(job: Job, context: JobContext) {
      started.push(job.id);
      signals.set(job.id, context.signal);
      active++;
      peak = Math.max(peak, active);
      return new Promise<JobOutcome>((resolve) => {
        const finish = (outcome: JobOutcome) => {
          active--;
          resolve(outcome);
        };
        release.set(job.id, finish);
        context.signal.addEventListener('abort', () => finish({ status: 'cancelled' }), { once: true });
      });
    },
    settled(job) {
      settled.push(job);
    },
  };
  return { handler, started, release, signals, settled, peak: () => peak };
}

/**
 * The behaviour every JobQueue must have, as node:test tests: persisted jobs, dedupe,
 * concurrency, cancellation, failure, restart and takeover of a dead worker's job.
 */
export function jobQueueConformance(name: string, makeHarness: () => Promise<JobQueueHarness>): void {
  const withHarness = (title: string, body: (h: JobQueueHarness, opened: JobQueue[]) => Promise<void>) =>
    test(`${name}: ${title}`, async () => {
      const harness = await makeHarness();
      const opened: JobQueue[] = [];
      const open = harness.open.bind(harness);
      harness.open = async (options) => {
        const queue = await open(options);
        opened.push(queue);
        return queue;
      };
      try {
        await body(harness, opened);
      } finally {
        for (const queue of opened) await queue.close();
        await harness.close();
      }
    });

  withHarness('runs an enqueued job and stores its outcome', async (h) => {
    const queue = await h.open({ concurrency: 2, leaseMs: 5_000 });
    const gate = gatedHandler();
    queue.start(gate.handler);
    const { job, created } = await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:1', payload: { query: 'x' } });
    assert.equal(created, true);
    await until('the job to start', () => gate.started.includes(job.id));
    assert.equal((await h.jobs.get(job.id))?.status, 'running');
    gate.release.get(job.id)!({ status: 'partial', failures: [{ id: 7 }], result: { size: 3 } });
    const done = await finalJob(h.jobs, job.id);
    assert.equal(done.status, 'partial');
    assert.deepEqual(done.failures, [{ id: 7 }]);
    assert.deepEqual(done.result, { size: 3 });
    await until('settled hook', () => gate.settled.some((j) => j.id === job.id));
  });

  withHarness('the same dedupe key while active gives the same job, run once', async (h) => {
    const queue = await h.open({ concurrency: 4, leaseMs: 5_000 });
    const gate = gatedHandler();
    queue.start(gate.handler);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => queue.enqueue({ kind: 'ingest', dedupeKey: 'k:same', payload: {} })),
    );
    const ids = new Set(results.map((r) => r.job.id));
    assert.equal(ids.size, 1);
    assert.equal(results.filter((r) => r.created).length, 1);
    const [id] = ids;
    await until('the job to start', () => gate.started.includes(id!));
    gate.release.get(id!)!({ status: 'succeeded' });
    await finalJob(h.jobs, id!);
    assert.deepEqual(gate.started, [id]);
    // Once finished, the key is free again: a new request is new work.
    const again = await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:same', payload: {} });
    assert.equal(again.created, true);
    assert.notEqual(again.job.id, id);
  });

  withHarness('never runs more jobs at once than its concurrency', async (h) => {
    const queue = await h.open({ concurrency: 2, leaseMs: 5_000 });
    const gate = gatedHandler();
    queue.start(gate.handler);
    const jobs = [];
    for (let i = 0; i < 5; i++) {
      jobs.push(await queue.enqueue({ kind: 'ingest', dedupeKey: `k:${i}`, payload: { i } }));
      // Distinct creation times, so "oldest first" has one answer.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await until('two jobs running', () => gate.started.length === 2);
    // Give a third claim every chance to happen if the cap were broken.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(gate.started.length, 2);
    for (let round = 0; round < 5; round++) {
      await until('a job to release', () => gate.started.some((id) => gate.release.has(id)));
      const id = gate.started.find((started) => gate.release.has(started))!;
      const finish = gate.release.get(id)!;
      gate.release.delete(id);
      finish({ status: 'succeeded' });
      await finalJob(h.jobs, id);
    }
    for (const { job } of jobs) assert.equal((await h.jobs.get(job.id))?.status, 'succeeded');
    assert.equal(gate.peak(), 2);
    // Oldest first.
    assert.deepEqual(gate.started, jobs.map((j) => j.job.id));
  });

  withHarness('cancels a queued job without running it, and stops a running one', async (h) => {
    const queue = await h.open({ concurrency: 1, leaseMs: 5_000 });
    const gate = gatedHandler();
    queue.start(gate.handler);
    const first = await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:a', payload: {} });
    const second = await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:b', payload: {} });
    await until('the first job to start', () => gate.started.includes(first.job.id));
    const cancelledQueued = await queue.cancel(second.job.id);
    assert.equal(cancelledQueued?.job.status, 'cancelled');
    assert.equal(cancelledQueued?.ended, true, 'no handler will announce a queued job');
    const cancelledRunning = await queue.cancel(first.job.id);
    assert.equal(cancelledRunning?.ended, false, 'its handler stores and announces the end');
    const signal = gate.signals.get(first.job.id)!;
    assert.equal(signal.aborted, true);
    assert.ok(signal.reason instanceof JobInterruption && signal.reason.reason === 'cancelled');
    assert.equal((await finalJob(h.jobs, first.job.id)).status, 'cancelled');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(gate.started, [first.job.id]);
    assert.equal(await queue.cancel('no-such-job'), undefined);
    // Cancelling a finished job changes nothing.
    const again = await queue.cancel(first.job.id);
    assert.equal(again?.job.status, 'cancelled');
    assert.equal(again?.ended, false);
  });

  withHarness('a handler that throws fails its job with the message, and the queue goes on', async (h) => {
    const queue = await h.open({ concurrency: 1, leaseMs: 5_000 });
    let calls = 0;
    queue.start({
      async run(job) {
        calls++;
        if ((job.payload as { boom?: boolean }).boom) throw new Error('upstream exploded');
        return { status: 'succeeded' };
      },
    });
    const bad = await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:bad', payload: { boom: true } });
    const good = await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:good', payload: {} });
    const failed = await finalJob(h.jobs, bad.job.id);
    assert.equal(failed.status, 'failed');
    assert.match(JSON.stringify(failed.failures), /upstream exploded/);
    assert.equal((await finalJob(h.jobs, good.job.id)).status, 'succeeded');
    assert.equal(calls, 2);
  });

  withHarness('jobs survive a restart: a job queued before close runs in the next queue', async (h) => {
    const first = await h.open({ concurrency: 1, leaseMs: 5_000 });
    const { job } = await first.enqueue({ kind: 'ingest', dedupeKey: 'k:later', payload: { n: 1 } });
    await first.close();
    const second = await h.open({ concurrency: 1, leaseMs: 5_000 });
    const ran: unknown[] = [];
    second.start({
      async run(j) {
        ran.push(j.payload);
        return { status: 'succeeded' };
      },
    });
    assert.equal((await finalJob(h.jobs, job.id)).status, 'succeeded');
    assert.deepEqual(ran, [{ n: 1 }]);
  });

  withHarness('close interrupts a running job and puts it back; the next queue finishes it', async (h) => {
    const first = await h.open({ concurrency: 1, leaseMs: 5_000 });
    const gate = gatedHandler();
    first.start(gate.handler);
    const { job } = await first.enqueue({ kind: 'ingest', dedupeKey: 'k:shut', payload: {} });
    await until('the job to start', () => gate.started.includes(job.id));
    await first.close();
    assert.ok((gate.signals.get(job.id)!.reason as JobInterruption).reason === 'shutdown');
    assert.equal((await h.jobs.get(job.id))?.status, 'queued');
    assert.equal(gate.settled.length, 0, 'an interrupted job has not ended');
    const second = await h.open({ concurrency: 1, leaseMs: 5_000 });
    second.start({ run: async () => ({ status: 'succeeded' }) });
    const done = await finalJob(h.jobs, job.id);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.attempts, 2);
  });

  withHarness("takes over a dead worker's job once its lease expires", async (h) => {
    const queue = await h.open({ concurrency: 1, leaseMs: SHORT_LEASE_MS });
    const { job } = await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:dead', payload: {} });
    // A worker claims it and dies: no heartbeat, no finish.
    const claimed = await h.jobs.claim('dead-worker', SHORT_LEASE_MS);
    assert.equal(claimed?.id, job.id);
    const started: number[] = [];
    queue.start({
      async run() {
        started.push(Date.now());
        return { status: 'succeeded' };
      },
    });
    const done = await finalJob(h.jobs, job.id);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.attempts, 2);
    assert.equal(started.length, 1);
    assert.notEqual(done.workerId, 'dead-worker');
  });

  withHarness('a worker that loses its lease stops and leaves the job to the new owner', async (h) => {
    const queue = await h.open({ concurrency: 1, leaseMs: SHORT_LEASE_MS });
    const gate = gatedHandler();
    queue.start(gate.handler);
    const { job } = await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:steal', payload: {} });
    await until('the job to start', () => gate.started.includes(job.id));
    // Another worker takes it over (this one stalled past its lease): the watch notices.
    const stolen = await h.jobs.get(job.id);
    await h.db.updateTable('job').set({ worker_id: 'thief' }).where('id', '=', stolen!.id).execute();
    await until('the handler to be interrupted', () => gate.signals.get(job.id)!.aborted, 3_000);
    assert.equal((gate.signals.get(job.id)!.reason as JobInterruption).reason, 'lease-lost');
    await h.jobs.finish(job.id, 'thief', 'succeeded', { result: { by: 'thief' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stored = await h.jobs.get(job.id);
    assert.equal(stored?.status, 'succeeded');
    assert.deepEqual(stored?.result, { by: 'thief' }, "the old worker's outcome never overwrites the new owner's");
  });

  withHarness('a cancel from another process stops the running handler, and its late outcome never overwrites `cancelled`', async (h) => {
    const queue = await h.open({ concurrency: 1, leaseMs: 30_000 });
    const gate = gatedHandler();
    queue.start(gate.handler);
    const { job } = await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:remote-cancel', payload: {} });
    await until('the job to start', () => gate.started.includes(job.id));
    // Another process cancels through the record alone (its queue has no handler for this job).
    const other = await h.open({ concurrency: 1, leaseMs: 30_000 });
    const answered = await other.cancel(job.id);
    assert.equal(answered?.job.status, 'cancelled');
    assert.equal(answered?.ended, true);
    // Well within the 30 s lease: the record watch, not the heartbeat, notices.
    await until('the handler to be interrupted', () => gate.signals.get(job.id)!.aborted, 3_000);
    assert.equal((gate.signals.get(job.id)!.reason as JobInterruption).reason, 'cancelled');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await h.jobs.get(job.id))?.status, 'cancelled');
    assert.equal(gate.settled.length, 0, 'this worker announces nothing: the canceller did');
  });

  withHarness('a cancel that comes after the work is done does not turn a success into `cancelled`', async (h) => {
    const queue = await h.open({ concurrency: 1, leaseMs: 30_000 });
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    queue.start({
      async run() {
        await done;
        // The work is done; the cancel lands while the outcome is on its way to the store.
        await queue.cancel(job.id);
        return { status: 'succeeded' };
      },
    });
    const { job } = await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:late-cancel', payload: {} });
    release();
    assert.equal((await finalJob(h.jobs, job.id)).status, 'succeeded');
  });

  withHarness('close puts a running job back in the queue; a job cancelled meanwhile stays cancelled', async (h) => {
    const queue = await h.open({ concurrency: 2, leaseMs: 30_000 });
    let cancelFirst!: () => Promise<unknown>;
    const started: string[] = [];
    queue.start({
      run(job, context) {
        started.push(job.id);
        return new Promise((resolve) => {
          context.signal.addEventListener(
            'abort',
            () => {
              // The first job is cancelled by another process between the abort and the requeue.
              const before = job.dedupeKey === 'k:close-1' ? cancelFirst() : Promise.resolve();
              void before.then(() => resolve({ status: 'cancelled' }));
            },
            { once: true },
          );
        });
      },
    });
    const first = (await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:close-1', payload: {} })).job;
    const second = (await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:close-2', payload: {} })).job;
    cancelFirst = () => h.jobs.cancel(first.id);
    await until('both jobs to start', () => started.length === 2);
    await queue.close();
    assert.equal((await h.jobs.get(first.id))?.status, 'cancelled', 'a requeue never revives a cancelled job');
    assert.equal((await h.jobs.get(second.id))?.status, 'queued');
  });

  withHarness('close stops waiting for a handler that ignores the abort after the grace period and requeues its job', async (h) => {
    const queue = await h.open({ concurrency: 1, leaseMs: 30_000 });
    let started = false;
    let finishLate!: () => void;
    queue.start({
      run() {
        started = true;
        // Ignores its signal entirely, then ends long after the grace period.
        return new Promise((resolve) => (finishLate = () => resolve({ status: 'succeeded' })));
      },
    });
    const { job } = await queue.enqueue({ kind: 'ingest', dedupeKey: 'k:stuck', payload: {} });
    await until('the job to start', () => started);
    await queue.close({ graceMs: 100 });
    assert.equal((await h.jobs.get(job.id))?.status, 'queued');
    finishLate();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await h.jobs.get(job.id))?.status, 'queued', "the stuck run's late outcome is not stored: the job is no longer its");
  });
}
