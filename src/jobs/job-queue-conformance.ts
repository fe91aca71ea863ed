import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Job, JobRepository } from '../store/job-repository.ts';
import { JobInterruption, type JobContext, type JobHandler, type JobOutcome, type JobQueue } from './job-queue.ts';

/** What the suite needs from an implementation under test. */
export interface JobQueueHarness {
  /** The persisted job records the queue works on, to inspect and to play a dead worker. */
  jobs: JobRepository;
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
    assert.equal(cancelledQueued?.status, 'cancelled');
    await queue.cancel(first.job.id);
    const signal = gate.signals.get(first.job.id)!;
    assert.equal(signal.aborted, true);
    assert.ok(signal.reason instanceof JobInterruption && signal.reason.reason === 'cancelled');
    assert.equal((await finalJob(h.jobs, first.job.id)).status, 'cancelled');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(gate.started, [first.job.id]);
    assert.equal(await queue.cancel('no-such-job'), undefined);
    // Cancelling a finished job changes nothing.
    assert.equal((await queue.cancel(first.job.id))?.status, 'cancelled');
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
    // Someone else finishes it (another process cancelled it): the worker's heartbeat notices.
    await h.jobs.finish(job.id, 'cancelled', { result: { by: 'other' } });
    await until('the handler to be interrupted', () => gate.signals.get(job.id)!.aborted, 3_000);
    assert.equal((gate.signals.get(job.id)!.reason as JobInterruption).reason, 'lease-lost');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stored = await h.jobs.get(job.id);
    assert.equal(stored?.status, 'cancelled');
    assert.deepEqual(stored?.result, { by: 'other' });
  });
}
