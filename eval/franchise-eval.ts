/**
 * `npm run eval:franchise [-- --only slug,slug] [--write] [--concurrency N]`
 *
 * Scores Tsunagu's franchises against the hand-made guides in eval/franchise-guides: for each
 * guide, `tsunagu discover <root> --json --no-enrich` runs as its own process on an empty
 * SQLite store against the simulator (the offline catalog), exactly the command the issue's
 * bar is measured with; the printed franchise is compared with the guide (recall, leaks, and
 * Kendall tau of each watch order against the guide's order). `--write` puts the table into
 * docs/evaluation.md between its markers.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator } from '../src/sim/simulator.ts';
import type { FranchiseView } from '../src/ingest/franchise-view.ts';
import { loadGuides, type FranchiseGuide } from './franchise-guide.ts';
import { scoreFranchise, summarise, type FranchiseScore } from './franchise-metrics.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = join(ROOT, 'docs/evaluation.md');
const MARK_START = '<!-- eval:franchise:start -->';
const MARK_END = '<!-- eval:franchise:end -->';
/** Rate limits multiplied on both sides (UPSTREAM_RATE_SCALE and the simulator) so a run takes a minute, not an hour. */
const RATE_SCALE = 100;

interface Run {
  guide: FranchiseGuide;
  view: FranchiseView | null;
  error: string | null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, write: { type: 'boolean', default: false }, concurrency: { type: 'string', default: '2' } },
  });
  const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
  const guides = loadGuides().filter((g) => !only || only.has(g.slug));
  if (guides.length === 0) throw new Error(`no guide matches --only ${values.only}`);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) throw new Error(`--concurrency must be an integer from 1 to 16, got ${values.concurrency}`);

  const sim = await startSimulator({ anilistRatePerMinute: 90 * RATE_SCALE, jikanPerSecond: 3 * RATE_SCALE, jikanPerMinute: 60 * RATE_SCALE });
  const dir = await mkdtemp(join(tmpdir(), 'tsunagu-eval-'));
  const runs: Run[] = [];
  try {
    const queue = [...guides];
    const worker = async () => {
      for (let guide = queue.shift(); guide; guide = queue.shift()) {
        const run = await discover(guide, { anilistUrl: sim.anilistUrl, jikanUrl: sim.jikanUrl, databaseUrl: `sqlite:${join(dir, `${guide.slug}.sqlite`)}` });
        process.stderr.write(`${guide.slug}: ${run.error ?? `${run.view!.franchise.size} entries`}\n`);
        runs.push(run);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, guides.length) }, worker));
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
  runs.sort((a, b) => a.guide.slug.localeCompare(b.guide.slug));
  const failed = runs.filter((r) => !r.view);
  const scored = runs.filter((r) => r.view).map((r) => ({ run: r, score: score(r.guide, r.view!) }));
  const table = render(scored);
  process.stdout.write(`${table}\n\n${details(scored)}`);
  for (const r of failed) process.stdout.write(`FAILED ${r.guide.slug}: ${r.error}\n`);
  if (values.write) {
    const doc = await readFile(DOC, 'utf8');
    const start = doc.indexOf(MARK_START);
    const end = doc.indexOf(MARK_END);
    if (start < 0 || end < start) throw new Error(`${DOC} has no ${MARK_START} ... ${MARK_END} section`);
    await writeFile(DOC, `${doc.slice(0, start + MARK_START.length)}\n${table}\n${doc.slice(end)}`);
    process.stderr.write(`table written to ${DOC}\n`);
  }
  if (failed.length > 0) process.exitCode = 1;
}

/** Runs the CLI exactly as a user would, one process per franchise, on its own empty database. */
function discover(guide: FranchiseGuide, target: { anilistUrl: string; jikanUrl: string; databaseUrl: string }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/tsunagu.mjs'), 'discover', String(guide.root), '--json', '--no-enrich'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ANILIST_URL: target.anilistUrl,
        JIKAN_URL: target.jikanUrl,
        DATABASE_URL: target.databaseUrl,
        UPSTREAM_RATE_SCALE: String(RATE_SCALE),
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('close', (code) => {
      if (code !== 0) return resolve({ guide, view: null, error: `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
      try {
        resolve({ guide, view: JSON.parse(stdout) as FranchiseView, error: null });
      } catch {
        resolve({ guide, view: null, error: `stdout is not one JSON document: ${stdout.slice(0, 200)}` });
      }
    });
  });
}

function score(guide: FranchiseGuide, view: FranchiseView): FranchiseScore {
  const orders = view.watchOrder as Partial<Record<'release' | 'story' | 'recommended', unknown>>;
  const ids = (order: unknown) =>
    Array.isArray(order) ? order.map((entry) => (typeof entry === 'number' ? entry : (entry as { id: number }).id)) : undefined;
  return scoreFranchise(guide, {
    members: view.members.map((m) => m.id),
    orders: { release: ids(orders.release), story: ids(orders.story), recommended: ids(orders.recommended) },
  });
}

const fixed = (value: number | null, digits = 2) => (value === null ? '-' : value.toFixed(digits));

function render(scored: { run: Run; score: FranchiseScore }[]): string {
  const rows = scored.map(({ run, score: s }) => {
    const requests = run.view!.stats.upstreamRequests.anilist;
    return `| ${s.name} | ${run.guide.entries.length} | ${run.view!.franchise.size} | ${fixed(s.recall, 3)} | ${s.leaks.length} | ${fixed(s.tau.release)} | ${fixed(s.tau.story)} | ${fixed(s.tau.recommended)} | ${requests} |`;
  });
  const sum = summarise(scored.map((s) => s.score));
  const requests = scored.reduce((n, s) => n + s.run.view!.stats.upstreamRequests.anilist, 0);
  return [
    '| franchise | guide entries | found members | recall | leaks | tau release | tau story | tau recommended | AniList requests |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    `| **mean of ${sum.franchises}** | | | **${fixed(sum.meanRecall, 3)}** | **${sum.leaks}** (total) | **${fixed(sum.meanTau.release, 3)}** | **${fixed(sum.meanTau.story, 3)}** | **${fixed(sum.meanTau.recommended, 3)}** | ${requests} (total) |`,
  ].join('\n');
}

function details(scored: { run: Run; score: FranchiseScore }[]): string {
  const out: string[] = [];
  for (const { run, score: s } of scored) {
    const title = (id: number) => run.view!.members.find((m) => m.id === id)?.title ?? [...run.guide.entries, ...run.guide.others].find(([g]) => g === id)?.[1] ?? '?';
    if (s.missed.length > 0) out.push(`${s.slug}: missed ${s.missed.map((id) => `${id} ${title(id)}`).join('; ')}`);
    if (s.leaks.length > 0) out.push(`${s.slug}: LEAKED ${s.leaks.map((id) => `${id} ${title(id)}`).join('; ')}`);
    if (s.unjudged.length > 0) out.push(`${s.slug}: not in the guide ${s.unjudged.map((id) => `${id} ${title(id)}`).join('; ')}`);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

await main();
