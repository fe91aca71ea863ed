/*
 * The CI smoke check of `npm run bench -- --quick`: runs it for real (simulator on loopback,
 * each strategy in its own process, the serving bench) into a temp dir. It asserts nothing
 * about time: only that every strategy stored the same, complete member set, and that the
 * results files and tables were written.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { BenchResults } from './bench-results.ts';
import { STRATEGIES } from './strategy-run.ts';

const RUN = fileURLToPath(new URL('./run.ts', import.meta.url));

function runQuick(outDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUN, '--quick', '--out', outDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

test('the quick bench: every strategy reaches the same complete franchise, and the results are written', { timeout: 300_000 }, async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'tsunagu-bench-quick-'));
  try {
    const { code, output } = await runQuick(outDir);
    assert.equal(code, 0, `bench --quick failed:\n${output.slice(-3000)}`);

    const results = JSON.parse(await readFile(join(outDir, 'latest.json'), 'utf8')) as BenchResults;
    assert.equal(results.quick, true);
    const franchises = new Set(results.rows.map((r) => `${r.scenario}|${r.rootId}`));
    assert.ok(franchises.size >= 2, 'at least two franchises were run');
    for (const key of franchises) {
      const runs = results.rows.filter((r) => `${r.scenario}|${r.rootId}` === key);
      assert.deepEqual(runs.map((r) => r.strategy).sort(), [...STRATEGIES].sort(), `${key}: one row per strategy`);
      for (const run of runs) {
        assert.ok(run.sameMembers, `${key} ${run.strategy}: stored members differ from the catalog's franchise`);
        assert.equal(run.members.length, run.size, `${key} ${run.strategy}: member count`);
        assert.notEqual(run.completeFranchiseS, null, `${key} ${run.strategy}: some member never got its AniList data`);
        assert.equal(run.malStored, run.malEntries, `${key} ${run.strategy}: MAL data stored for every member with a MAL id`);
        assert.ok(run.requests.anilist > 0 && run.requests.jikan > 0, `${key} ${run.strategy}: the simulator saw its requests`);
      }
      assert.deepEqual(runs[0]!.members, runs[1]!.members, `${key}: seed and tsunagu reached the same members`);
    }
    assert.ok(!('skipped' in results.serving), 'the serving bench ran');
    assert.ok(results.startup && !('skipped' in results.startup), 'the start-up bench ran');
    assert.ok(results.startup.helpMs.dist > 0 && results.startup.discoverToFirstRequestMs.dist > 0, JSON.stringify(results.startup));
    // Discovery by relation depth: the same members, in fewer round trips than levels at depth 2.
    assert.ok(Array.isArray(results.discovery), 'the discovery bench ran');
    const [flat, nested] = results.discovery as { depth: number; roundTrips: number; levels: number; sameMembers: boolean }[];
    assert.ok(flat && nested && flat.depth === 1 && nested.depth === 2 && flat.sameMembers && nested.sameMembers, JSON.stringify(results.discovery));
    assert.ok(nested.roundTrips < nested.levels && nested.roundTrips < flat.roundTrips, JSON.stringify(results.discovery));

    const markdown = await readFile(join(outDir, 'latest.md'), 'utf8');
    assert.match(markdown, /^\| Scenario \| Franchise/m);
    assert.match(markdown, /^\| Franchise \(entries \/ levels\) \| Depth \| Round trips/m);
    for (const row of results.rows) {
      assert.ok(markdown.includes(`| ${row.franchise} (${row.size} /`) && markdown.includes(`| ${row.strategy} |`), `${row.franchise} ${row.strategy} is in the table`);
    }
    assert.match(markdown, /GET \/api\/anime\/80\/franchise/);
    assert.match(markdown, /^\| `tsunagu --help` \| \d+ \| \d+ \|/m);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
