import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SseReader } from '../support/sse-reader.ts';
import { catalogFranchise } from '../support/ingest-harness.ts';
import type { JobView } from '../../src/ingest/ingest-service.ts';
import { postgresTarget, redisTarget } from '../support/service-targets.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.ts';
import { createStore, migrateDatabase, type Store } from '../../src/store/store.ts';
import { clusterEnv, TsunaguCluster } from './tsunagu-cluster.ts';

/*
 * Several real processes, one installation: `serve --no-worker` and `worker`s from
 * bin/tsunagu.mjs on one PostgreSQL schema and one Redis prefix, against a simulator
 * playing AniList's 30/min and Jikan's 3/s + 60/min multiplied by SCALE (so minutes of
 * budget pass in seconds); the processes' gates run their defaults (28/min; 2/s, 55/min)
 * multiplied the same way, through UPSTREAM_RATE_SCALE. Each process alone would pace
 * itself below the limits; only a budget shared in Redis keeps three of them there.
 */

const redis = await redisTarget();
const postgres = await postgresTarget();
const skip = redis.skip ?? postgres.skip;

const FINAL = new Set(['succeeded', 'partial', 'failed', 'cancelled']);
/** Ten franchises of 4-9 entries (69 in all, every one with a MAL id). */
const TEN = [1, 30, 33, 71, 121, 136, 154, 170, 232, 249];
const FATE = 356;

function simulatorAt(scale: number, jikanPerSecond = 3): Promise<RunningSimulator> {
  return startSimulator({ latencyMs: 20, jitterMs: 10, anilistRatePerMinute: 30 * scale, jikanPerSecond: jikanPerSecond * scale, jikanPerMinute: 60 * scale });
}

describe('scale out: an API process and worker processes on PostgreSQL and Redis', { skip }, () => {
  let run = 0;
  const stores: Store[] = [];

  after(async () => {
    for (const store of stores) await store.close();
    await redis.cleanup();
    await postgres.cleanup();
  });

  /** A fresh, migrated schema and its own Redis prefix: one installation per test. */
  async function installation() {
    const databaseUrl = await postgres.freshUrl();
    await migrateDatabase(databaseUrl);
    const store = await createStore(databaseUrl);
    stores.push(store);
    return { databaseUrl, store, redis: { url: redis.url, prefix: `${redis.prefix}-${++run}` } };
  }

  /** The catalog's franchise: every member ingested, every MAL entry enriched. */
  async function assertComplete(cluster: TsunaguCluster, rootId: number): Promise<void> {
    const expected = await catalogFranchise(rootId);
    const { members } = await cluster.franchise(rootId);
    assert.deepEqual(members.map((m) => m.id).sort((a, b) => a - b), [...expected.members.keys()].sort((a, b) => a - b), `members of ${rootId}`);
    for (const m of members) if (m.idMal !== null) assert.equal(m.malStatus, 'ok', `MAL data of ${m.id}`);
  }

  const pidOf = (workerId: string | null) => Number(workerId?.split(':')[1]);

  describe('ten franchises at once over three workers', () => {
    const SCALE = 10;
    // Jikan's per-second limit is the one three processes would overrun together: each gate
    // holds 1/s x SCALE, the simulator refuses above 1.5/s x SCALE.
    const JIKAN_PER_SECOND = 1.5;
    let sim: RunningSimulator;
    before(async () => {
      sim = await simulatorAt(SCALE, JIKAN_PER_SECOND);
    });
    after(() => sim.close());

    test('every job succeeds, no window of either upstream is ever over its limit, no 429', { timeout: 180_000 }, async (t) => {
      const { databaseUrl, store, redis: prefix } = await installation();
      const env = clusterEnv(sim, databaseUrl, prefix, { UPSTREAM_RATE_SCALE: String(SCALE), JIKAN_RATE_PER_SECOND: '1', JIKAN_MAX_IN_FLIGHT: '6' });
      const cluster = await TsunaguCluster.start(env, 3);
      try {
        const jobs = await Promise.all(TEN.map((id) => cluster.ingest(String(id))));
        assert.equal(new Set(jobs.map((j) => j.id)).size, 10);
        // The API replica's event stream shows what a worker process publishes.
        const events = new SseReader(await fetch(`${cluster.api.url}/api/jobs/${jobs[0]!.id}/events`));
        const finals = await Promise.all(jobs.map((j) => cluster.waitForJob(j.id, (job) => FINAL.has(job.status))));
        assert.deepEqual(
          finals.map((j) => [j.query, j.status, j.failures.length]),
          TEN.map((id) => [String(id), 'succeeded', 0]),
        );

        await events.until((r) => r.events.some((e) => e.event === 'state' && /"succeeded"/.test(e.data!)), 10_000);
        assert.ok(events.events.some((e) => e.event === 'progress' && /"enrichment"/.test(e.data!)), 'worker progress reached the API');
        assert.deepEqual(events.events.map((e) => Number(e.id)), events.events.map((_, i) => i + 1), 'every event, in order');

        const stats = sim.stats();
        t.diagnostic(`simulator: ${JSON.stringify(stats)}`);
        assert.equal(stats.anilist.rateLimited, 0, 'AniList 429s');
        assert.equal(stats.jikan.rateLimited, 0, 'Jikan 429s');
        assert.ok(stats.anilist.peak60s <= 30 * SCALE, `AniList peak ${stats.anilist.peak60s} per 60 s`);
        assert.ok(stats.jikan.peak1s <= JIKAN_PER_SECOND * SCALE, `Jikan peak ${stats.jikan.peak1s} per s`);
        assert.ok(stats.jikan.peak60s <= 60 * SCALE, `Jikan peak ${stats.jikan.peak60s} per 60 s`);

        const records = await Promise.all(jobs.map((j) => store.jobs.get(j.id)));
        assert.deepEqual(records.map((r) => r!.attempts), TEN.map(() => 1), 'each job ran once');
        const ranOn = new Set(records.map((r) => pidOf(r!.workerId)));
        assert.ok(ranOn.size >= 2, `jobs ran on ${ranOn.size} worker process(es)`);
        assert.ok([...ranOn].every((pid) => cluster.workers.some((w) => w.pid === pid)), 'only workers ran jobs, not the API');
        for (const id of TEN) await assertComplete(cluster, id);
        assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] });
      } finally {
        await cluster.stop();
      }
    });
  });

  describe('failures', () => {
    // Slower budgets, so a job is surely still running when the test interrupts it.
    const SCALE = 5;
    let sim: RunningSimulator;
    before(async () => {
      sim = await simulatorAt(SCALE);
    });
    after(() => sim.close());

    test('a worker SIGKILLed mid-job: the job completes on another worker, nothing duplicated', { timeout: 180_000 }, async () => {
      const { databaseUrl, store, redis: prefix } = await installation();
      const cluster = await TsunaguCluster.start(clusterEnv(sim, databaseUrl, prefix, { UPSTREAM_RATE_SCALE: String(SCALE) }), 2);
      try {
        const { id } = await cluster.ingest(String(FATE));
        await cluster.waitForJob(id, (j) => j.status === 'running' && j.progress.phase === 'enrichment' && j.progress.done > 0);
        const owner = pidOf((await store.jobs.get(id))!.workerId);
        const victim = cluster.workers.find((w) => w.pid === owner);
        assert.ok(victim, `job runs on ${owner}, not one of the workers`);
        assert.deepEqual(await victim.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });

        const done = await cluster.waitForJob(id, (j) => FINAL.has(j.status));
        assert.equal(done.status, 'succeeded', JSON.stringify(done.failures));
        const record = (await store.jobs.get(id))!;
        assert.equal(record.attempts, 2, 'claimed once by each worker');
        assert.notEqual(pidOf(record.workerId), owner);
        assert.equal((await store.jobs.list()).length, 1, 'one job');
        await assertComplete(cluster, FATE);
        assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] }, 'no duplicate or dangling rows');
      } finally {
        await cluster.stop();
      }
    });

    test('everything stopped with jobs queued and one running; started again, every job runs to completion', { timeout: 180_000 }, async () => {
      const { databaseUrl, store, redis: prefix } = await installation();
      const env = clusterEnv(sim, databaseUrl, prefix, { UPSTREAM_RATE_SCALE: String(SCALE), WORKER_CONCURRENCY: '1' });
      const roots = [16498, 30, 71, 121];
      const first = await TsunaguCluster.start(env, 1);
      let jobs: JobView[];
      let interrupted: JobView;
      try {
        jobs = [];
        for (const id of roots) jobs.push(await first.ingest(String(id)));
        interrupted = await first.waitForJob(jobs[0]!.id, (j) => j.status === 'running' && j.progress.done > 0);
      } finally {
        const exits = await first.stop();
        assert.deepEqual(exits, exits.map(() => ({ code: 0, signal: null })), `clean exits\n${first.logs()}`);
      }
      const stopped = await Promise.all(jobs.map((j) => store.jobs.get(j.id)));
      assert.deepEqual(stopped.map((j) => j!.status), ['queued', 'queued', 'queued', 'queued'], 'the running job went back to the queue');
      assert.equal(stopped[0]!.attempts, 1);

      const second = await TsunaguCluster.start(env, 2);
      try {
        const finals = await Promise.all(jobs.map((j) => second.waitForJob(j.id, (job) => FINAL.has(job.status))));
        assert.deepEqual(finals.map((j) => j.status), ['succeeded', 'succeeded', 'succeeded', 'succeeded']);
        assert.equal(finals.find((j) => j.id === interrupted.id)!.attempts, 2, 'the interrupted job ran again');
        for (const id of roots) await assertComplete(second, id);
        assert.deepEqual(await store.checkInvariants(), { ok: true, problems: [] });
      } finally {
        await second.stop();
      }
    });
  });
});
