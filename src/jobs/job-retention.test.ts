import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../log.ts';
import { DAY, T0 } from '../../test/fixtures/store-fixtures.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';
import { storeAndBus } from '../../test/support/job-store.ts';
import { JobRetention } from './job-retention.ts';

test('retention deletes finished jobs past JOB_RETENTION_DAYS with their event histories, page by page, and keeps the rest', async (t) => {
  const clock = new ManualClock(T0);
  const { store, bus } = await storeAndBus(t, clock);
  const finished = async (key: string) => {
    const { job } = await store.jobs.create({ kind: 'ingest', dedupeKey: key, payload: {} });
    await store.jobs.claim('w', 60_000, job.id);
    await bus.publish({ jobId: job.id, type: 'state', status: 'running', franchiseId: 1 });
    await store.jobs.finish(job.id, 'w', 'succeeded');
    return job.id;
  };
  const old = [];
  for (let i = 0; i < 5; i++) old.push(await finished(`franchise:${i}`));
  const queued = (await store.jobs.create({ kind: 'ingest', dedupeKey: 'franchise:queued', payload: {} })).job.id;
  await clock.advance(8 * DAY);
  const recent = await finished('franchise:recent');

  const retention = new JobRetention({ jobs: store.jobs, bus, clock, logger: silentLogger, retainMs: 7 * DAY, pageSize: 2 });
  assert.equal(await retention.prune(), 5);
  for (const id of old) {
    assert.equal(await store.jobs.get(id), undefined);
    assert.equal(await bus.lastSeq(id), 0, 'its event history went with it');
  }
  assert.equal((await store.jobs.get(queued))?.status, 'queued', 'an active job stays however old');
  assert.equal((await store.jobs.get(recent))?.status, 'succeeded');
  assert.equal(await bus.lastSeq(recent), 1);
  assert.equal(await retention.prune(), 0);
});
