import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { catalogFranchise, sqliteDatabase, startFastSimulator, testEnv, type TestDatabase } from '../../../test/support/ingest-harness.ts';
import type { RunningSimulator } from '../../sim/simulator.ts';

const ROOT_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const FAST_CHILD = { ANILIST_RATE_PER_MINUTE: '90', ANILIST_BURST: '30', JIKAN_RATE_PER_SECOND: '3', JIKAN_RATE_PER_MINUTE: '60' };

function tsunagu(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tsunagu.mjs', ...args], { cwd: ROOT_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let sim: RunningSimulator;
const databases: TestDatabase[] = [];
before(async () => {
  sim = await startFastSimulator();
});
after(async () => {
  await sim.close();
  for (const db of databases) await db.close();
});
async function env(): Promise<Record<string, string>> {
  const db = await sqliteDatabase();
  databases.push(db);
  return testEnv(sim, db.url, FAST_CHILD);
}

test('discover --json prints one JSON document of the franchise on stdout, progress on stderr', async () => {
  const expected = await catalogFranchise(16498);
  const run = await tsunagu(['discover', 'attack on titan', '--json'], await env());
  assert.equal(run.code, 0, run.stderr);
  const view = JSON.parse(run.stdout);
  assert.deepEqual(Object.keys(view).sort(), ['franchise', 'members', 'relations', 'stats', 'watchOrder']);
  assert.equal(view.franchise.id, 16498);
  assert.equal(view.franchise.size, expected.members.size);
  assert.equal(view.franchise.truncated, false);
  for (const key of ['id', 'idMal', 'title', 'format', 'status', 'startDate', 'episodes', 'depth', 'averageScore', 'malScore']) {
    assert.ok(key in view.members[0], `members[].${key}`);
  }
  assert.equal(view.watchOrder.release.length, expected.members.size);
  assert.equal(view.watchOrder.story.length, expected.members.size);
  const recommended: { id: number; role: string; reason: string }[] = view.watchOrder.recommended;
  assert.deepEqual(recommended.map((r) => r.id).sort(), [...expected.members.keys()].sort());
  for (const r of recommended) assert.ok(['main', 'side', 'optional', 'extra', 'alternative'].includes(r.role) && r.reason.length > 0, JSON.stringify(r));
  assert.ok(view.stats.durationMs > 0 && view.stats.upstreamRequests.anilist > 0 && view.stats.upstreamRequests.jikan > 0);
  assert.deepEqual(view.stats.failures, []);
  assert.ok(view.members.some((m: { malScore: number | null }) => m.malScore !== null), 'enriched');
  assert.match(run.stderr, /^"attack on titan" is Attack on Titan \(TV, 2013; AniList 16498\)$/m);
  assert.match(run.stderr, /^Did you mean: .+\(.*AniList \d+\)/m);
  assert.match(run.stderr, /^discovery \d+\/\d+/m);
  assert.match(run.stderr, /^enrichment \d+\/\d+/m);
});

test('discover prints the recommended watch order as its table, each entry with its role and why; the policy flags cap the walk', async () => {
  const [table, capped] = await Promise.all([
    tsunagu(['discover', '16498', '--no-enrich'], await env()),
    tsunagu(['discover', '80', '--json', '--no-enrich', '--max-entries', '5', '--follow', 'sequel,prequel,side story'], await env()),
  ]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^Attack on Titan: 22 entries \(AniList 16498\)\n\nRecommended watch order:\n\s+#\s+id\s+role\s+format/);
  const rows = table.stdout.split('\n').filter((line) => /^\s+\d+\s+\d+\s+(main|side|optional|extra|alternative)\s/.test(line));
  assert.equal(rows.length, 22);
  assert.match(rows[0], /^\s+1\s+16498\s+main\s+TV\s+2013 .* Attack on Titan: main story, where it aired$/);
  assert.match(table.stdout, /\s150005\s+extra\s+MUSIC .*Requiem of the Dawn: music video: after the main story/);
  assert.match(table.stdout, /\s20691\s+optional\s+MOVIE .*: compilation film of Attack on Titan: optional, where it came out/);
  const roles = rows.map((row) => row.trim().split(/\s+/)[2]);
  assert.ok(roles.indexOf('extra') > roles.lastIndexOf('main'), 'extras after the main story');
  assert.match(table.stdout, /Story order \(chronological, from the relations\):\n\s+1\. /);
  assert.match(table.stdout, /Release order:\n\s+1\. /);
  assert.match(table.stdout, /requests: AniList \d+, Jikan 0; failures: 0/);
  assert.doesNotMatch(table.stderr, /enrichment/);

  assert.equal(capped.code, 0, capped.stderr);
  const view = JSON.parse(capped.stdout);
  assert.equal(view.franchise.size, 5);
  assert.equal(view.franchise.truncated, true);
});

test('bad input and unknown entries exit non-zero with one clear line', async () => {
  const base = await env();
  const cases: [string[], number, RegExp][] = [
    [['discover', 'mal:abc'], 2, /^tsunagu: query "mal:abc" is not a MAL id/],
    [['discover', '!!!'], 2, /no letters or digits/],
    [['discover', '80', '--max-entries', 'lots'], 2, /^tsunagu: --max-entries must be a whole number, got "lots"/],
    [['discover', '80', '--follow', 'SEQUEL,BOGUS'], 2, /^tsunagu: --follow: Unknown relation type `BOGUS`/],
    [['discover', '2147483000'], 3, /^tsunagu: AniList has no anime with id 2147483000/],
  ];
  const runs = await Promise.all(cases.map(([args]) => tsunagu(args, base)));
  runs.forEach((run, i) => {
    const [args, code, message] = cases[i]!;
    assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1, `one line: ${run.stderr}`);
    assert.equal(run.stdout, '');
  });
});
