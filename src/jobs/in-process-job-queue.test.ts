import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createStore } from '../store/store.ts';
import { InProcessJobQueue } from './in-process-job-queue.ts';
import { jobQueueConformance } from '../../test/conformance/job-queue-conformance.ts';

jobQueueConformance('in-process queue on SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tsunagu-queue-'));
  const store = await createStore(`sqlite:${join(dir, 'jobs.sqlite')}`);
  return {
    jobs: store.jobs,
    db: store.db,
    open: async (options) => new InProcessJobQueue(store.jobs, { ...options, pollMs: 50 }),
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

test('in-process queue: options are checked with a message naming them', () => {
  const jobs = {} as never;
  assert.throws(() => new InProcessJobQueue(jobs, { concurrency: 0 }), /`concurrency`.*1-64.*got `0`/);
  assert.throws(() => new InProcessJobQueue(jobs, { leaseMs: Number.NaN }), /`leaseMs`/);
  assert.throws(() => new InProcessJobQueue(jobs, { pollMs: 1 }), /`pollMs`/);
});
