import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { RunningSimulator } from '../sim/simulator.ts';
import { catalogFranchise, followJob, sqliteDatabase, startFastSimulator, testRuntime, type TestDatabase, type TestRuntime } from '../../test/support/ingest-harness.ts';

const GUNDAM = 80;
const DEATH_NOTE = 1535;

describe('a store that fails mid-ingest', () => {
  let sim: RunningSimulator;
  const open: { runtime: TestRuntime; db: TestDatabase }[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(async () => {
    sim = await startFastSimulator();
    process.on('unhandledRejection', onUnhandled);
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    for (const { runtime, db } of open) {
      await runtime.close();
      await db.close();
    }
    await sim.close();
  });
  async function fresh(): Promise<TestRuntime> {
    const db = await sqliteDatabase();
    const runtime = await testRuntime(sim, db.url);
    open.push({ runtime, db });
    return runtime;
  }

  test('a batch the database refuses during discovery fails the job, naming the batch; the process goes on', async () => {
    const { members } = await catalogFranchise(GUNDAM);
    const deep = [...members].find(([, depth]) => depth === 2)![0];
    const runtime = await fresh();
    // A real SQLite refusal (as a full disk or a read-only file would give), for one entry two hops out.
    await sql
      .raw(`create trigger refuse_entry before insert on anime when new.id = ${deep} begin select raise(abort, 'disk says no'); end`)
      .execute(runtime.store.db);
    const { job } = await runtime.ingest.requestIngest({ query: String(GUNDAM) });
    await followJob(runtime, job.id);
    const failed = await runtime.ingest.getJob(job.id);
    assert.equal(failed?.status, 'failed');
    assert.match(failed!.failures[0]!.message, new RegExp(`storing AniList batch of \\d+ entries \\(ids [^)]*\\) failed: disk says no`));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(unhandled, [], 'no rejection went unhandled');

    // The same process serves the next job.
    await sql.raw('drop trigger refuse_entry').execute(runtime.store.db);
    const next = await runtime.ingest.requestIngest({ query: String(DEATH_NOTE) });
    await followJob(runtime, next.job.id);
    assert.equal((await runtime.ingest.getJob(next.job.id))?.status, 'succeeded');
  });

  test('MAL data the database refuses fails the job, naming the entry', async () => {
    const runtime = await fresh();
    await sql
      .raw(`create trigger refuse_mal before update of mal_status on anime when new.id = ${DEATH_NOTE} begin select raise(abort, 'read-only'); end`)
      .execute(runtime.store.db);
    const { job } = await runtime.ingest.requestIngest({ query: String(DEATH_NOTE) });
    await followJob(runtime, job.id);
    const failed = await runtime.ingest.getJob(job.id);
    assert.equal(failed?.status, 'failed');
    assert.match(failed!.failures[0]!.message, new RegExp(`storing MAL data of anime ${DEATH_NOTE} \\(MAL \\d+\\) failed: read-only`));
    assert.deepEqual(unhandled, []);
  });
});
