/**
 * How long fetching a 120-entry franchise from AniList takes, and how many requests it
 * costs, through the simulator at a realistic round trip (300 ms +- 100) and AniList's
 * degraded 30/min, with the default gate settings.
 *
 *   node --import tsx bench/anilist-batch.ts
 */
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../src/catalog/catalog.ts';
import { loadConfig } from '../src/config/config.ts';
import { silentLogger } from '../src/log.ts';
import { startSimulator } from '../src/sim/simulator.ts';
import { catalogFranchiseIds } from '../test/fixtures/catalog-franchise.ts';
import { createUpstreams } from '../src/upstream/upstreams.ts';

const catalog = await loadCatalog();
const ids = catalogFranchiseIds(catalog, 80); // Mobile Suit Gundam under the default policy
const sim = await startSimulator({ catalog, latencyMs: 300, jitterMs: 100, anilistRatePerMinute: 30, seed: 1 });
const config = loadConfig({}, { anilistUrl: sim.anilistUrl, jikanUrl: sim.jikanUrl });

async function run(label: string, upstreams: ReturnType<typeof createUpstreams>) {
  const before = upstreams.requestCounts().anilist;
  const started = performance.now();
  const batches: number[] = [];
  const result = await upstreams.anilist.fetchMedia(ids, { onBatch: () => batches.push(Math.round(performance.now() - started)) });
  const wallMs = Math.round(performance.now() - started);
  return {
    run: label,
    ids: ids.length,
    entries: result.entries.size,
    missing: result.missing.length,
    failed: result.failed.length,
    requests: upstreams.requestCounts().anilist - before,
    wallMs,
    batchesLandedAtMs: batches,
  };
}

const upstreams = createUpstreams(config, { logger: silentLogger });
const rows = [await run('cold gate (burst available)', upstreams), await run('same gate again at once (burst spent)', upstreams)];
const stats = sim.stats().anilist;
await sim.close();

console.table(rows.map(({ batchesLandedAtMs, ...row }) => ({ ...row, batchesLandedAtMs: batchesLandedAtMs.join(' ') })));
const perMinute = config.anilistRatePerMinute;
console.log(
  `simulator: ${stats.requests} AniList requests, ${stats.rateLimited} answered 429, peak ${stats.peak60s} in any 60 s (limit 30)\n` +
    `one id per request instead (the seed's way) would need ${ids.length} requests: at least ${((ids.length - config.anilistBurst) / perMinute).toFixed(1)} min at ${perMinute}/min`,
);
console.log(JSON.stringify({ bench: 'anilist-batch', defaults: { ratePerMinute: perMinute, burst: config.anilistBurst, maxInFlight: config.anilistMaxInFlight }, rows, sim: stats }));
