/**
 * How fast a job stops: cancel latency and requests sent after a cancel, per phase, and
 * how long `tsunagu serve` takes to exit on SIGTERM with a job in each phase.
 *
 *   node --import tsx bench/stop-latency.ts [--runs 3]
 *
 * Mobile Suit Gundam (AniList 80, 143 entries, 137 with MAL ids) from a cold SQLite store,
 * against the simulator in this process at 300 +- 100 ms per response and its default
 * limits (AniList 90/min, Jikan 3/s + 60/min), with Tsunagu's default settings (the gates
 * at their defaults: enrichment paced at about 2 Jikan requests a second).
 *
 * Cancel: an in-process runtime (as `serve` runs jobs); the cancel comes once discovery
 * has stored its first batch, or once enrichment has stored 10 entries. Measured: from the
 * cancel call to the job's final `cancelled` event; requests that left after the call
 * (a recording fetch) and requests the simulator received after it (those include the
 * ones already on the wire). SIGTERM: `serve` from bin/tsunagu.mjs, the job started over
 * HTTP, the signal sent in the same two moments (and with no job), then the process's exit.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { FINAL_STATUSES, type ProgressEvent } from '../src/ingest/progress-event.ts';
import { silentLogger } from '../src/log.ts';
import { createRuntime, type Runtime } from '../src/runtime.ts';
import { startSimulator, type RunningSimulator } from '../src/sim/simulator.ts';
import { createStore } from '../src/store/store.ts';
import { recordingFetch } from '../test/ingest/recording-fetch.ts';
import { TsunaguProcess } from '../test/scale-out/tsunagu-cluster.ts';

const GUNDAM = 80;
type Phase = 'discovery' | 'enrichment';
const reached = (phase: Phase) => (e: ProgressEvent) =>
  phase === 'discovery' ? e.type === 'entries' && e.phase === 'discovery' : e.type === 'progress' && e.progress.phase === 'enrichment' && e.progress.done >= 10;

function eventWhere(runtime: Runtime, jobId: string, match: (e: ProgressEvent) => boolean): Promise<{ event: ProgressEvent; at: number }> {
  return new Promise((resolve, reject) => {
    let stop = () => {};
    let done = false;
    runtime.bus
      .subscribe(jobId, 0, (event) => {
        if (done || !match(event)) return;
        done = true;
        stop();
        resolve({ event, at: performance.now() });
      })
      .then((unsubscribe) => (done ? unsubscribe() : (stop = unsubscribe)), reject);
  });
}

async function cancelRun(sim: RunningSimulator, phase: Phase) {
  const dir = await mkdtemp(join(tmpdir(), 'tsunagu-stop-'));
  const recorder = recordingFetch({ anilist: sim.anilistUrl, jikan: sim.jikanUrl });
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, ANILIST_URL: sim.anilistUrl, JIKAN_URL: sim.jikanUrl, LOG_LEVEL: 'silent' });
  const runtime = await createRuntime(config, silentLogger, { fetch: recorder.fetch });
  try {
    sim.reset();
    const { job } = await runtime.ingest.requestIngest({ query: String(GUNDAM) });
    await eventWhere(runtime, job.id, reached(phase));
    const before = sim.stats();
    const cancelledAt = performance.now();
    const ended = eventWhere(runtime, job.id, (e) => e.type === 'state' && FINAL_STATUSES.has(e.status));
    await runtime.ingest.cancel(job.id);
    const { event, at } = await ended;
    // Anything already on the wire lands within a response time.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const afterStats = sim.stats();
    return {
      status: event.type === 'state' ? event.status : '?',
      ms: Math.round(at - cancelledAt),
      sentAfter: { anilist: recorder.sentSince('anilist', cancelledAt), jikan: recorder.sentSince('jikan', cancelledAt) },
      arrivedAfter: { anilist: afterStats.anilist.requests - before.anilist.requests, jikan: afterStats.jikan.requests - before.jikan.requests },
    };
  } finally {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function sigtermRun(sim: RunningSimulator, phase: Phase | 'idle') {
  const dir = await mkdtemp(join(tmpdir(), 'tsunagu-stop-'));
  const databaseUrl = `sqlite:${join(dir, 'db.sqlite')}`;
  const serve = await TsunaguProcess.start('serve', { DATABASE_URL: databaseUrl, ANILIST_URL: sim.anilistUrl, JIKAN_URL: sim.jikanUrl, LOG_LEVEL: 'info', PORT: '0' });
  try {
    sim.reset();
    let jobId: string | null = null;
    if (phase !== 'idle') {
      const posted = await fetch(`${serve.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: String(GUNDAM) }) });
      jobId = (await posted.json()).job.id;
      for (;;) {
        const { job } = await (await fetch(`${serve.url}/api/jobs/${jobId}`)).json();
        if (job.progress.phase === phase && (phase === 'discovery' || job.progress.done >= 10)) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    const exit = await serve.terminate();
    let status = '-';
    if (jobId) {
      const store = await createStore(databaseUrl);
      status = (await store.jobs.get(jobId))?.status ?? 'gone';
      await store.close();
    }
    return { code: exit.code, ms: Math.round(exit.ms), status };
  } finally {
    await serve.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const sim = await startSimulator({ latencyMs: 300, jitterMs: 100 });
try {
  for (const phase of ['discovery', 'enrichment'] as const) {
    for (let i = 0; i < runs; i++) console.log(JSON.stringify({ measure: 'cancel', phase, ...(await cancelRun(sim, phase)) }));
  }
  for (const phase of ['idle', 'discovery', 'enrichment'] as const) {
    for (let i = 0; i < runs; i++) console.log(JSON.stringify({ measure: 'sigterm', phase, ...(await sigtermRun(sim, phase)) }));
  }
} finally {
  await sim.close();
}
