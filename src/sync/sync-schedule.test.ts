import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postgresDatabase, sqliteDatabase, testRuntime, type TestDatabase, type TestRuntime } from '../../test/support/ingest-harness.ts';
import { silentLogger } from '../log.ts';
import type { RunningSimulator } from '../sim/simulator.ts';
import { createStore } from '../store/store.ts';
import { systemClock } from '../clock.ts';
import { startSyncSim, TEST_CAP } from '../../test/sync/sync-harness.ts';
import { SyncBusyError, withSyncLease } from './sync-lease.ts';

const ENV = { SYNC_RESULT_CAP: String(TEST_CAP), TSUNAGU_ENRICH: 'false', SYNC_INTERVAL_MINUTES: '60' };

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`the scheduled sync across processes (${dialect})`, async () => {
    const pg = dialect === 'postgres' ? await postgresDatabase() : undefined;
    const skip = pg?.skip;
    let sim: RunningSimulator;
    let db: TestDatabase;
    before(async () => {
      if (skip) return;
      sim = await startSyncSim();
      db = pg ?? (await sqliteDatabase());
    });
    after(async () => {
      if (skip) return;
      await sim.close();
      await db.close();
    });

    it('the lease admits one sync at a time: a second store on the same database is refused until the first ends', { skip }, async () => {
      const a = await createStore(db.url, { migrate: true });
      const b = await createStore(db.url, { migrate: true });
      try {
        const deps = (store: typeof a) => ({ store, clock: systemClock, logger: silentLogger });
        let release!: () => void;
        const holding = new Promise<void>((resolve) => (release = resolve));
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => (entered = resolve));
        const first = withSyncLease(deps(a), async () => {
          entered();
          await holding;
          return 'first';
        });
        await inside;
        await assert.rejects(withSyncLease(deps(b), async () => 'second'), SyncBusyError);
        release();
        assert.equal(await first, 'first');
        assert.equal(await withSyncLease(deps(b), async () => 'second'), 'second');
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('two serving processes with SYNC_INTERVAL_MINUTES run one sync job between them', { skip }, async () => {
      sim.reset();
      const runtimes: TestRuntime[] = [];
      try {
        // Both schedulers look at once when they start: one job, run by one of them.
        runtimes.push(await testRuntime(sim, db.url, { env: ENV }), await testRuntime(sim, db.url, { env: ENV }));
        const [a] = runtimes;
        let jobs = await a!.store.jobs.list({ limit: 10 });
        for (let i = 0; i < 600 && !jobs.some((j) => j.kind === 'sync' && j.finishedAt !== null); i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          jobs = await a!.store.jobs.list({ limit: 10 });
        }
        const syncJobs = jobs.filter((j) => j.kind === 'sync');
        assert.equal(syncJobs.length, 1, JSON.stringify(syncJobs.map((j) => [j.status, j.workerId])));
        assert.equal(syncJobs[0]!.status, 'succeeded');
        const result = syncJobs[0]!.result as { sync: { kind: string; requests: number; completed: boolean } };
        assert.equal(result.sync.kind, 'full');
        assert.equal(result.sync.completed, true);
        // The simulator saw one sync's requests, not two.
        assert.equal(sim.stats().anilist.requests, result.sync.requests);
        const view = await a!.ingest.getJob(syncJobs[0]!.id);
        assert.equal(view?.kind, 'sync');
        const state = await a!.catalogSync.state();
        assert.notEqual(state.syncedAt, null);
        // A later look within the interval queues nothing.
        const before = (await a!.store.jobs.list({ limit: 10 })).length;
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal((await a!.store.jobs.list({ limit: 10 })).length, before);
      } finally {
        for (const rt of runtimes) await rt.close();
      }
    });
  });
}
