import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.ts';
import { createStore } from '../../src/store/store.ts';
import { TsunaguProcess } from '../scale-out/tsunagu-cluster.ts';

const GUNDAM = 80;

/** Polls the job until `check` accepts it. */
async function jobUntil(url: string, id: string, check: (job: { status: string; progress: { phase: string; done: number } }) => boolean, what: string) {
  for (let i = 0; ; i++) {
    const { job } = await (await fetch(`${url}/api/jobs/${id}`)).json();
    if (check(job)) return job;
    assert.ok(i < 1200, `timed out waiting for ${what}: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SIGTERM', () => {
  let sim: RunningSimulator;
  let dir: string;
  const children: TsunaguProcess[] = [];
  before(async () => {
    sim = await startSimulator({ latencyMs: 300, jitterMs: 50 });
    dir = await mkdtemp(join(tmpdir(), 'tsunagu-sigterm-'));
  });
  after(async () => {
    for (const child of children) await child.stop('SIGKILL');
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = (name: string) => ({
    DATABASE_URL: `sqlite:${join(dir, `${name}.sqlite`)}`,
    ANILIST_URL: sim.anilistUrl,
    JIKAN_URL: sim.jikanUrl,
    LOG_LEVEL: 'info',
    PORT: '0',
    ANILIST_RATE_PER_MINUTE: '85',
    ANILIST_BURST: '20',
  });

  for (const phase of ['discovery', 'enrichment'] as const) {
    test(`serve stopped during ${phase} exits cleanly, its job back in the queue with what it stored`, async () => {
      const settings = env(`serve-${phase}`);
      const serve = await TsunaguProcess.start('serve', settings);
      children.push(serve);
      const posted = await fetch(`${serve.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: String(GUNDAM) }) });
      const { job } = await posted.json();
      await jobUntil(serve.url, job.id, (j) => j.progress.phase === phase && (phase === 'discovery' || j.progress.done >= 3), `${phase} under way`);
      const exit = await serve.terminate();
      assert.equal(exit.code, 0, serve.stderr);
      assert.match(serve.stderr, /job put back in the queue/);
      const store = await createStore(settings.DATABASE_URL);
      try {
        const stored = await store.jobs.get(job.id);
        assert.equal(stored?.status, 'queued', 'resumable by the next start');
        assert.ok((await store.anime.count()) > 0, 'what it stored stays');
      } finally {
        await store.close();
      }
    });
  }

  test('a cancel on the API process stops the job a worker process runs, and the worker never overwrites it', async () => {
    const settings = { ...env('cross-cancel'), JOB_POLL_MS: '50' };
    const api = await TsunaguProcess.start('api', settings);
    const worker = await TsunaguProcess.start('worker', settings);
    children.push(api, worker);
    const posted = await fetch(`${api.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: String(GUNDAM) }) });
    const { job } = await posted.json();
    await jobUntil(api.url, job.id, (j) => j.status === 'running' && j.progress.phase === 'enrichment' && j.progress.done >= 3, 'enrichment under way');
    const cancelled = await (await fetch(`${api.url}/api/jobs/${job.id}/cancel`, { method: 'POST' })).json();
    assert.equal(cancelled.job.status, 'cancelled', 'stored at once by the API process');
    await new Promise((resolve, reject) => {
      const deadline = Date.now() + 30_000;
      const look = () => {
        if (/state changed elsewhere|cancelled elsewhere/.test(worker.stderr)) return resolve(undefined);
        if (Date.now() > deadline) return reject(new Error(`the worker never stopped the job:\n${worker.stderr}`));
        setTimeout(look, 50);
      };
      look();
    });
    const settled = sim.stats().jikan.requests;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(sim.stats().jikan.requests, settled, 'the worker sends nothing more for it');
    const { job: after } = await (await fetch(`${api.url}/api/jobs/${job.id}`)).json();
    assert.equal(after.status, 'cancelled');
    assert.equal((await worker.terminate()).code, 0);
  });

  test('a worker stopped during enrichment exits cleanly and its job goes back to the queue', async () => {
    const settings = env('worker');
    const serve = await TsunaguProcess.start('serve', settings);
    children.push(serve);
    const posted = await fetch(`${serve.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: String(GUNDAM) }) });
    const { job } = await posted.json();
    // Hand the job over: stop serve (it requeues), then a worker takes it up.
    await jobUntil(serve.url, job.id, (j) => j.status === 'running', 'the job to start');
    assert.equal((await serve.terminate()).code, 0);
    const worker = await TsunaguProcess.start('worker', { ...settings, JOB_POLL_MS: '50' });
    children.push(worker);
    const store = await createStore(settings.DATABASE_URL);
    try {
      for (let i = 0; ; i++) {
        const stored = await store.jobs.get(job.id);
        const progress = stored?.progress as { phase?: string; done?: number } | null;
        if (stored?.status === 'running' && progress?.phase === 'enrichment' && (progress.done ?? 0) >= 3) break;
        assert.ok(i < 1200, `the worker never reached enrichment: ${JSON.stringify(stored)}\n${worker.stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const exit = await worker.terminate();
      assert.equal(exit.code, 0, worker.stderr);
      assert.equal((await store.jobs.get(job.id))?.status, 'queued');
    } finally {
      await store.close();
    }
  });
});
