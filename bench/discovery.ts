/**
 * Discovery alone, per franchise and ANILIST_RELATION_DEPTH: round trips, AniList requests
 * and time against the level bound (levels x the simulator's 300 ms round trip, what a walk
 * asking one level per round trip cannot beat). Each run starts from an empty SQLite store
 * and a reset simulator (its own process, AniList 90/min), with the client's default gates.
 * The root is fetched by discovery itself (a numeric query whose root is not stored).
 *
 *   node --import tsx bench/discovery.ts [--runs 3] [--depths 1,2,3] [--only 80]
 *
 * Prints a table, then `{"bench":"discovery",...}` for `npm run bench`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { walkEntryFromCatalog } from '../src/catalog/catalog-to-domain.ts';
import { loadCatalog } from '../src/catalog/catalog.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config/config.ts';
import { defaultPolicy } from '../src/domain/franchise-policy.ts';
import { walkFranchise } from '../src/domain/franchise-walk.ts';
import { discoverFranchise } from '../src/ingest/franchise-discovery.ts';
import { silentLogger } from '../src/log.ts';
import { createStore } from '../src/store/store.ts';
import { createUpstreams } from '../src/upstream/upstreams.ts';
import { roundCounting } from '../test/support/round-counter.ts';
import type { DiscoveryRow } from './bench-results.ts';
import { startSimProcess } from './sim-process.ts';
import { median } from './strategy-run.ts';

const SIM = { latencyMs: 300, jitterMs: 100, anilistRatePerMinute: 90, jikanPerSecond: 3, jikanPerMinute: 60, seed: 1 };
const FRANCHISES = [
  { name: 'Attack on Titan', rootId: 16498 },
  { name: 'Mobile Suit Gundam', rootId: 80 },
  { name: 'Monogatari', rootId: 5081 },
  { name: 'Fate', rootId: 356 },
  { name: 'Death Note', rootId: 1535 },
];

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}
const runs = Number(option('runs') ?? 3);
const depths = (option('depths') ?? '1,2,3').split(',').map(Number);
const only = option('only');
if (!Number.isInteger(runs) || runs < 1) throw new Error(`Expected \`--runs\` to be a positive integer, got \`${option('runs')}\``);

const catalog = await loadCatalog();
const sim = await startSimProcess(SIM);
const rows: DiscoveryRow[] = [];
try {
  for (const franchise of FRANCHISES.filter((f) => !only || String(f.rootId) === only)) {
    const expected = walkFranchise(franchise.rootId, (id) => {
      const entry = catalog.media.get(id);
      return entry ? walkEntryFromCatalog(entry) : undefined;
    });
    const levels = Math.max(...expected.members.values()) + 1;
    for (const depth of depths) {
      const samples: { ms: number; requests: number; roundTrips: number; same: boolean; http429: number }[] = [];
      for (let run = 0; run < runs; run++) {
        process.stderr.write(`${franchise.name}, depth ${depth}, run ${run + 1}/${runs}...\n`);
        samples.push(await discoverOnce(franchise.rootId, depth, [...expected.members.keys()]));
      }
      const ms = median(samples.map((s) => s.ms));
      const boundMs = levels * SIM.latencyMs;
      rows.push({
        franchise: franchise.name,
        rootId: franchise.rootId,
        size: expected.members.size,
        levels,
        depth,
        roundTrips: median(samples.map((s) => s.roundTrips)),
        requests: median(samples.map((s) => s.requests)),
        discoveryS: Math.round(ms / 10) / 100,
        levelBoundS: Math.round(boundMs / 10) / 100,
        vsBound: Math.round((ms / boundMs) * 100) / 100,
        sameMembers: samples.every((s) => s.same),
        http429: samples.reduce((n, s) => n + s.http429, 0),
        runs,
      });
    }
  }
} finally {
  sim.close();
}
console.table(rows.map(({ rootId: _r, runs: _n, ...row }) => row));
console.log(JSON.stringify({ bench: 'discovery', simulator: SIM, rows }));

async function discoverOnce(rootId: number, depth: number, expected: number[]) {
  const dir = await mkdtemp(join(tmpdir(), 'tsunagu-discovery-'));
  await sim.reset();
  const url = `sqlite:${join(dir, 'bench.sqlite')}`;
  const store = await createStore(url);
  try {
    const config = loadConfig({ ANILIST_URL: sim.anilistUrl, JIKAN_URL: sim.jikanUrl, DATABASE_URL: url, ANILIST_RELATION_DEPTH: String(depth) });
    const upstreams = createUpstreams(config, { logger: silentLogger });
    const { anilist, rounds } = roundCounting(upstreams.anilist);
    const started = performance.now();
    const result = await discoverFranchise(rootId, { store, anilist, clock: systemClock, logger: silentLogger }, { policy: defaultPolicy });
    const ms = performance.now() - started;
    const stats = await sim.stats();
    const members = [...result.members.keys()].sort((a, b) => a - b);
    return {
      ms,
      requests: stats.anilist.requests,
      roundTrips: rounds(),
      same: members.join() === [...expected].sort((a, b) => a - b).join(),
      http429: stats.anilist.rateLimited,
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
