import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { RunningSimulator } from '../sim/simulator.ts';
import { createStore } from '../store/store.ts';
import { catalogFranchise, normalisedDump, sqliteDatabase, startFastSimulator, testEnv, type TestDatabase } from '../../test/support/ingest-harness.ts';

const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const AOT = 16498;
const KILLS = 6;
/**
 * A child is a real `discover`, so its gates come from the config, whose ranges stop at the
 * real upstreams' limits: AniList with the whole minute's budget as burst (so discovery runs
 * at round-trip speed) and Jikan at its published 3/s.
 */
const CHILD_ENV = {
  ANILIST_RATE_PER_MINUTE: '90',
  ANILIST_BURST: '30',
  JIKAN_RATE_PER_SECOND: '3',
  JIKAN_RATE_PER_MINUTE: '60',
  // A re-run waits this long for the killed run's job to be free.
  JOB_LEASE_MS: '1000',
};

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** ms from the first progress line to exit (null when none came). */
  workMs: number | null;
  killed: boolean;
}

/** Runs `tsunagu discover` in a child process; SIGKILLs it `killAfterMs` after its first progress line, if given. */
function discover(env: Record<string, string>, killAfterMs?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tsunagu.mjs', 'discover', String(AOT), '--json'], {
      cwd: ROOT_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let workStarted: number | null = null;
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (workStarted === null && /^(discovery|enrichment) \d/m.test(stderr)) {
        workStarted = Date.now();
        if (killAfterMs !== undefined) {
          setTimeout(() => {
            if (child.exitCode === null) {
              killed = true;
              child.kill('SIGKILL');
            }
          }, killAfterMs);
        }
      }
    });
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, workMs: workStarted === null ? null : Date.now() - workStarted, killed }),
    );
  });
}

/** Seeded, so a failure replays with the same kill points. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

let sim: RunningSimulator;
let clean: TestDatabase;
let crashed: TestDatabase;
before(async () => {
  // Round trips slow enough that discovery (8 levels) lasts about a second: kills land in
  // discovery as well as in enrichment (15 Jikan requests at 3/s).
  sim = await startFastSimulator({ latencyMs: 150, jitterMs: 50 });
  clean = await sqliteDatabase();
  crashed = await sqliteDatabase();
});
after(async () => {
  await sim.close();
  await clean.close();
  await crashed.close();
});

test(`discover SIGKILLed at ${KILLS} random points: a re-run completes and the store equals a clean run's`, async () => {
  const { members } = await catalogFranchise(AOT);
  const env = (db: TestDatabase) => testEnv(sim, db.url, CHILD_ENV);
  const reference = await discover(env(clean));
  assert.equal(reference.code, 0, reference.stderr);
  assert.ok(reference.workMs !== null && reference.workMs > 0, 'the clean run reported progress');

  const random = seededRandom(2024);
  let killedMidRun = 0;
  for (let i = 0; i < KILLS; i++) {
    // Each kill point falls within one KILLS-th of a clean run's work, so every killed run
    // still had work left, whatever the ones before it got done.
    const run = await discover(env(crashed), Math.floor(random() * (reference.workMs! / KILLS)));
    if (run.killed) killedMidRun++;
    else assert.equal(run.code, 0, run.stderr);
  }
  assert.ok(killedMidRun >= 5, `at least 5 runs were killed mid-way (${killedMidRun})`);

  const final = await discover(env(crashed));
  assert.equal(final.code, 0, final.stderr);
  const view = JSON.parse(final.stdout) as { franchise: { size: number }; members: { id: number }[] };
  assert.equal(view.franchise.size, members.size);

  const [a, b] = await Promise.all([createStore(clean.url), createStore(crashed.url)]);
  try {
    const [dumpA, dumpB] = await Promise.all([normalisedDump(a), normalisedDump(b)]);
    assert.equal(dumpB.anime.length, dumpA.anime.length);
    assert.deepEqual(dumpB.anime, dumpA.anime);
    assert.deepEqual(dumpB.relations, dumpA.relations);
    assert.deepEqual(dumpB.pending, dumpA.pending);
    assert.deepEqual((await b.checkInvariants()).problems, []);
    // Nothing is left running or queued.
    const jobs = await b.jobs.list({ limit: 100 });
    assert.ok(jobs.every((j) => j.status !== 'running' && j.status !== 'queued'), JSON.stringify(jobs.map((j) => j.status)));
  } finally {
    await a.close();
    await b.close();
  }
});
