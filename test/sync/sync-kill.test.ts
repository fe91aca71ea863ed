import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '../../src/sim/seeded-random.ts';
import type { RunningSimulator } from '../../src/sim/simulator.ts';
import { createStore } from '../../src/store/store.ts';
import { dumpMirror, startSyncSim, syncRig, tempDir, TEST_CAP } from './sync-harness.ts';

const BIN = fileURLToPath(new URL('../../bin/tsunagu.mjs', import.meta.url));

describe('tsunagu sync killed with SIGKILL at random points, then run again', () => {
  let sim: RunningSimulator;
  const temp = tempDir();
  before(async () => {
    sim = await startSyncSim();
  });
  after(async () => {
    await sim.close();
    temp.cleanup();
  });

  /** `tsunagu sync` as a user runs it; killed once the simulator has answered `killAfter` of its requests. */
  function cli(databaseUrl: string, killAfter?: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [BIN, 'sync', '--json', '--no-enrich'], {
      env: {
        ...process.env,
        TSUNAGU_RUN_FROM: 'src',
        DATABASE_URL: databaseUrl,
        ANILIST_URL: sim.anilistUrl,
        JIKAN_URL: sim.jikanUrl,
        SYNC_RESULT_CAP: String(TEST_CAP),
        UPSTREAM_RATE_SCALE: '1000',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const start = sim.stats().anilist.requests;
    const watch =
      killAfter === undefined
        ? null
        : setInterval(() => {
            if (sim.stats().anilist.requests - start >= killAfter && child.exitCode === null && !child.killed) child.kill(signal);
          }, 2);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        if (watch) clearInterval(watch);
        resolve({ code, signal, stdout, stderr });
      });
    });
  }

  it('stores the same mirror as a run never interrupted, without fetching again what it stored', async () => {
    const clean = await syncRig(sim, `sqlite:${join(temp.dir, 'clean.sqlite')}`);
    const summary = await clean.sync.run();
    const expected = await dumpMirror(clean.store);
    await clean.close();
    const cleanRequests = summary.requests;

    const url = `sqlite:${join(temp.dir, 'killed.sqlite')}`;
    const random = seededRandom(15);
    sim.reset();
    const kills: number[] = [];
    for (let i = 0; i < 3; i++) {
      const at = 3 + Math.floor(random.next() * (cleanRequests / 3));
      kills.push(at);
      const run = await cli(url, at);
      assert.equal(run.signal, 'SIGKILL', `run ${i} was to be killed after ${at} requests; it ended: ${run.stderr}`);
    }
    const last = await cli(url);
    assert.equal(last.code, 0, last.stderr);
    const report = JSON.parse(last.stdout);
    assert.equal(report.completed, true);
    assert.equal(report.resumed, true);

    const store = await createStore(url);
    try {
      const got = await dumpMirror(store);
      assert.equal(got.anime.length, expected.anime.length);
      assert.deepEqual(got.anime, expected.anime);
      assert.deepEqual(got.relations, expected.relations);
      assert.deepEqual(got.removed, []);
    } finally {
      await store.close();
    }
    // Each kill loses at most the pages in flight (and its window's first page is asked again).
    const spent = sim.stats().anilist.requests;
    assert.ok(spent <= cleanRequests + kills.length * 4, `${spent} requests with ${kills.length} kills (at ${kills.join(', ')}); a clean run takes ${cleanRequests}`);
  });

  it('Ctrl-C stops after the page being stored, says so, and the next run finishes the pass', async () => {
    const url = `sqlite:${join(temp.dir, 'interrupted.sqlite')}`;
    sim.reset();
    const stopped = await cli(url, 20, 'SIGINT');
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /interrupted: what was stored is kept/);
    const partial = JSON.parse(stopped.stdout);
    assert.equal(partial.completed, false);
    assert.ok(partial.stored > 0);
    const rest = await cli(url);
    assert.equal(rest.code, 0, rest.stderr);
    const report = JSON.parse(rest.stdout);
    assert.equal(report.completed, true);
    assert.equal(report.resumed, true);
    const store = await createStore(url);
    try {
      assert.equal((await store.catalog.counts()).entries, report.entries);
      assert.equal((await dumpMirror(store)).anime.length, report.entries);
    } finally {
      await store.close();
    }
  });
});
