import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../log.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';
import { storeAndBus } from '../../test/support/job-store.ts';
import { JobProgress } from './job-progress.ts';

test('the job record follows progress at most every 250 ms of the injected clock, and flush writes the last counts', async (t) => {
  const clock = new ManualClock();
  const { store, bus } = await storeAndBus(t, clock);
  const { job } = await store.jobs.create({ kind: 'ingest', dedupeKey: 'franchise:1', payload: {} });
  await store.jobs.claim('w', 60_000, job.id);
  const recorded = async () => ((await store.jobs.get(job.id))?.progress as { done: number } | null)?.done;

  const progress = new JobProgress(job.id, { bus, jobs: store.jobs, clock, logger: silentLogger });
  progress.enter('discovery', { done: 0, total: 10, failed: 0 });
  await clock.advance(0);
  assert.equal(await recorded(), 0);
  for (let done = 1; done <= 4; done++) progress.update('discovery', { done, total: 10, failed: 0 });
  await clock.advance(249);
  assert.equal(await recorded(), 0, 'within 250 ms of the last write the record waits');
  await clock.advance(1);
  assert.equal(await recorded(), 4, 'then it shows the latest counts');
  progress.update('discovery', { done: 7, total: 10, failed: 0 });
  await progress.flush();
  assert.equal(await recorded(), 7, 'flush writes at once');
  await clock.advance(1_000);
  assert.equal(clock.pending, 0, 'no write left scheduled');
  assert.equal(await bus.lastSeq(job.id), 6, 'every change was published');
});
