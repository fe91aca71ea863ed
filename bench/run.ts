/**
 * `npm run bench`: Tsunagu against the seed's strategy, side by side, in one run on the
 * simulator; then serving and bulk store speed. Writes results/latest.json and latest.md.
 *
 *   npm run bench                       full run (about 15-20 minutes)
 *   npm run bench -- --quick            smoke run (under 2 minutes; what CI runs)
 *   npm run bench -- --out <dir>        write the results elsewhere (default bench/results)
 *
 * Every (scenario, franchise, strategy) runs from a cold store (a fresh SQLite file) and a
 * reset simulator, in its own child process (so its peak RSS is its own), one at a time:
 * the machine has 2 cores, and two strategies sharing them would slow each other.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { walkEntryFromCatalog } from '../src/catalog/catalog-to-domain.ts';
import { loadCatalog } from '../src/catalog/catalog.ts';
import { walkFranchise } from '../src/domain/franchise-walk.ts';
import { startSimulator } from '../src/sim/simulator.ts';
import type { BenchResults, BenchRow, BulkStoreResult, CatalogSyncResult, DiscoveryRow, ServingResult, StartupResult } from './bench-results.ts';
import { runBenchScript } from './bench-script.ts';
import { levelCount, lowerBounds } from './bounds.ts';
import { renderMarkdown } from './report.ts';
import { runStrategyInChild } from './run-strategy.ts';
import { STRATEGIES } from './strategy-run.ts';

interface Plan {
  sim: BenchResults['simulator'];
  scenarios: { name: string; anilistPerMinute: number; jikanPerSecond: number; jikanPerMinute: number }[];
  franchises: { name: string; rootId: number }[];
  tsunaguEnv: Record<string, string>;
  serveArgs: string[] | null;
  startupArgs: string[];
  discoveryArgs: string[];
  bulkStore: boolean;
  /** bench/catalog-sync.ts: the whole catalog through `tsunagu sync` (minutes), SQLite and PostgreSQL. */
  catalogSync: boolean;
}

const FULL: Plan = {
  sim: { latencyMs: 300, jitterMs: 100, jikanPerSecond: 3, jikanPerMinute: 60, seed: 1 },
  scenarios: [
    { name: 'AniList 90/min', anilistPerMinute: 90, jikanPerSecond: 3, jikanPerMinute: 60 },
    { name: 'AniList 30/min', anilistPerMinute: 30, jikanPerSecond: 3, jikanPerMinute: 60 },
  ],
  franchises: [
    { name: 'Attack on Titan', rootId: 16498 },
    { name: 'Fate', rootId: 356 },
    { name: 'Mobile Suit Gundam', rootId: 80 },
  ],
  tsunaguEnv: {},
  serveArgs: ['--seconds', '10', '--connections', '10', '--rounds', '5'],
  startupArgs: ['--runs', '10'],
  discoveryArgs: ['--runs', '3'],
  bulkStore: true,
  catalogSync: true,
};

/**
 * Low latency, every limit ten times the real one, small franchises: checks that every
 * strategy reaches the same members, not how fast. Tsunagu's gates are scaled by the same
 * factor (UPSTREAM_RATE_SCALE, made for this), so its logic and proportions are the defaults'.
 */
const QUICK_SCALE = 10;
const QUICK: Plan = {
  sim: { latencyMs: 20, jitterMs: 10, jikanPerSecond: 3 * QUICK_SCALE, jikanPerMinute: 60 * QUICK_SCALE, seed: 1 },
  scenarios: [{ name: 'quick', anilistPerMinute: 90 * QUICK_SCALE, jikanPerSecond: 3 * QUICK_SCALE, jikanPerMinute: 60 * QUICK_SCALE }],
  franchises: [
    { name: 'Steins;Gate', rootId: 9253 },
    { name: 'Attack on Titan', rootId: 16498 },
  ],
  tsunaguEnv: { UPSTREAM_RATE_SCALE: String(QUICK_SCALE) },
  serveArgs: ['--seconds', '1', '--connections', '4', '--rounds', '1'],
  startupArgs: ['--runs', '2'],
  discoveryArgs: ['--runs', '1', '--depths', '1,2', '--only', '16498'],
  bulkStore: false,
  catalogSync: false,
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = outAt >= 0 ? args[outAt + 1] : join(benchDir, 'results');
if (!outDir) throw new Error('Expected `--out` to be followed by a directory');
const plan = quick ? QUICK : FULL;
const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => Math.round(ms / 10) / 100;
const ratio = (value: number, bound: number) => (bound > 0 ? Math.round((value / bound) * 10) / 10 : 0);

const startedAt = new Date();
const loadBefore = loadavg()[0]!;
const catalog = await loadCatalog();
const sim = await startSimulator({ catalog, ...plan.sim });
const rows: BenchRow[] = [];
try {
  for (const scenario of plan.scenarios) {
    sim.configure({ anilistRatePerMinute: scenario.anilistPerMinute, jikanPerSecond: scenario.jikanPerSecond, jikanPerMinute: scenario.jikanPerMinute });
    for (const franchise of plan.franchises) {
      const walk = walkFranchise(franchise.rootId, (id) => {
        const entry = catalog.media.get(id);
        return entry ? walkEntryFromCatalog(entry) : undefined;
      });
      const expected = [...walk.members.keys()].sort((a, b) => a - b);
      const withMal = expected.filter((id) => catalog.media.get(id)?.idMal != null);
      const malLevels = levelCount(withMal.map((id) => walk.members.get(id)!));
      const levels = levelCount(walk.members.values());
      for (const strategy of STRATEGIES) {
        log(`${scenario.name}: ${franchise.name} (${expected.length} entries, ${levels} levels) with the ${strategy} strategy...`);
        sim.reset();
        const run = await runStrategyInChild({
          strategy,
          rootId: franchise.rootId,
          anilistUrl: sim.anilistUrl,
          jikanUrl: sim.jikanUrl,
          expected,
          env: strategy === 'tsunagu' ? plan.tsunaguEnv : undefined,
        });
        const stats = sim.stats();
        const bounds = lowerBounds({
          levels,
          malEntries: withMal.length,
          malLevels,
          anilistRttMs: run.medianRttMs.anilist,
          jikanRttMs: run.medianRttMs.jikan,
          jikanPerSecond: scenario.jikanPerSecond,
          jikanPerMinute: scenario.jikanPerMinute,
        });
        const row: BenchRow = {
          scenario: scenario.name,
          anilistPerMinute: scenario.anilistPerMinute,
          franchise: franchise.name,
          rootId: franchise.rootId,
          size: expected.length,
          levels,
          malEntries: withMal.length,
          strategy,
          sameMembers: run.members.join(',') === expected.join(','),
          members: run.members,
          completeFranchiseS: run.completeFranchiseMs === null ? null : seconds(run.completeFranchiseMs),
          discoveryBoundS: seconds(bounds.discoveryMs),
          completeVsBound: run.completeFranchiseMs === null ? null : ratio(run.completeFranchiseMs, bounds.discoveryMs),
          fullEnrichmentS: seconds(run.fullEnrichmentMs),
          enrichmentBoundS: seconds(bounds.enrichmentMs),
          enrichmentVsBound: ratio(run.fullEnrichmentMs, bounds.enrichmentMs),
          malStored: run.malStored,
          requests: { anilist: stats.anilist.requests, jikan: stats.jikan.requests },
          http429: { anilist: stats.anilist.rateLimited, jikan: stats.jikan.rateLimited },
          peak1s: { anilist: stats.anilist.peak1s, jikan: stats.jikan.peak1s },
          peak60s: { anilist: stats.anilist.peak60s, jikan: stats.jikan.peak60s },
          medianRttMs: run.medianRttMs,
          peakRssMb: run.peakRssMb,
          failures: run.failures,
        };
        rows.push(row);
        log(
          `  complete ${row.completeFranchiseS ?? '-'} s (bound ${row.discoveryBoundS}), enriched ${row.fullEnrichmentS} s (bound ${row.enrichmentBoundS}), ` +
            `requests ${row.requests.anilist}/${row.requests.jikan}, 429s ${row.http429.anilist}/${row.http429.jikan}, ` +
            `${row.sameMembers ? 'same members' : `MEMBERS DIFFER (${run.members.length} vs ${expected.length})`}`,
        );
      }
    }
  }
} finally {
  await sim.close();
}

let serving: BenchResults['serving'] = { skipped: 'not run' };
if (plan.serveArgs) {
  log(`serving: bench/serve-bench.ts ${plan.serveArgs.join(' ')}...`);
  serving = servingFrom(await runBenchScript('serve-bench.ts', plan.serveArgs));
}
log(`start-up: bench/startup.ts ${plan.startupArgs.join(' ')}...`);
const startup = startupFrom(await runBenchScript('startup.ts', plan.startupArgs));
log(`discovery by relation depth: bench/discovery.ts ${plan.discoveryArgs.join(' ')}...`);
const discovery = (await runBenchScript('discovery.ts', plan.discoveryArgs)).rows as DiscoveryRow[];
let bulkStore: BenchResults['bulkStore'] = [{ database: 'sqlite, postgres', skipped: 'quick run: the whole catalog takes minutes' }];
if (plan.bulkStore) {
  log('bulk store: bench/store-bulk.ts (SQLite and PostgreSQL)...');
  bulkStore = bulkFrom(await runBenchScript('store-bulk.ts'));
  // store-bulk.ts skips PostgreSQL (with a note on stderr) when it does not answer.
  if (!bulkStore.some((r) => r.database === 'postgres')) bulkStore.push({ database: 'postgres', skipped: 'PostgreSQL did not answer on 127.0.0.1:5432' });
}

let catalogSync: BenchResults['catalogSync'];
if (plan.catalogSync) {
  log('catalog sync: bench/catalog-sync.ts (SQLite and PostgreSQL, about 5 minutes)...');
  const summary = (await runBenchScript('catalog-sync.ts')) as unknown as {
    rate: number;
    latencyMs: number;
    results: CatalogSyncResult[];
    skipped: { database: string; skipped: string }[];
  };
  catalogSync = { ratePerMinute: summary.rate, latencyMs: summary.latencyMs, results: [...summary.results, ...summary.skipped] };
}

const cpuList = cpus();
const results: BenchResults = {
  command: quick ? 'npm run bench -- --quick' : 'npm run bench',
  quick,
  startedAt: startedAt.toISOString(),
  durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
  machine: {
    node: process.version,
    platform: platform(),
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    loadAverage: { start: Math.round(loadBefore * 10) / 10, end: Math.round(loadavg()[0]! * 10) / 10 },
  },
  simulator: plan.sim,
  tsunaguEnv: plan.tsunaguEnv,
  rows,
  serving,
  startup,
  discovery,
  bulkStore,
  catalogSync,
};
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
const markdown = renderMarkdown(results);
await writeFile(join(outDir, 'latest.md'), markdown);
process.stdout.write(markdown);
log(`wrote ${relative(process.cwd(), join(outDir, 'latest.json'))} and latest.md in ${results.durationS} s`);
const differing = rows.filter((r) => !r.sameMembers);
if (differing.length > 0) {
  log(`member sets differ from the catalog's in ${differing.map((r) => `${r.scenario}/${r.franchise}/${r.strategy}`).join(', ')}`);
  process.exitCode = 1;
}

function servingFrom(summary: Record<string, unknown>): ServingResult {
  const s = summary as {
    connections: number;
    seconds: number;
    franchise: { id: number };
    endpoints: Record<string, { requestsPerSecond: number; p99Ms: number; errors: number }>;
    franchiseReads?: ServingResult['reads'];
  };
  const path = `/api/anime/${s.franchise.id}/franchise`;
  const franchise = s.endpoints[path];
  const healthz = s.endpoints['/healthz'];
  if (!franchise || !healthz) throw new Error(`serve-bench.ts reported no ${path} or /healthz figures: ${JSON.stringify(summary)}`);
  return {
    path,
    requestsPerSecond: franchise.requestsPerSecond,
    p99Ms: franchise.p99Ms,
    healthz: { requestsPerSecond: healthz.requestsPerSecond, p99Ms: healthz.p99Ms },
    connections: s.connections,
    durationS: s.seconds,
    // The plain read is one of franchiseReads when they are there: counted once.
    errors: healthz.errors + (s.franchiseReads ? Object.values(s.franchiseReads).reduce((n, r) => n + r.errors, 0) : franchise.errors),
    ...(s.franchiseReads ? { reads: s.franchiseReads } : {}),
    detail: summary,
  };
}

function startupFrom(summary: Record<string, unknown>): StartupResult {
  const { runs, bareNodeMs, helpMs, discoverToFirstRequestMs } = summary as unknown as StartupResult;
  return { runs, bareNodeMs, helpMs, discoverToFirstRequestMs };
}

function bulkFrom(summary: Record<string, unknown>): BulkStoreResult[] {
  const list = (summary as { results: { database: 'sqlite' | 'postgres'; anime: number; relations: number; seconds: number; rowsPerSecond: number }[] }).results;
  return list.map((r) => ({ database: r.database, anime: r.anime, relations: r.relations, seconds: r.seconds, rowsPerSecond: r.rowsPerSecond, detail: r }));
}
