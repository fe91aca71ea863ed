/**
 * Serving speed: the franchise endpoint against the same server's /healthz, in one run.
 *
 *   node --import tsx bench/serve-bench.ts [--seconds 10] [--connections 10]
 *
 * Stores the Mobile Suit Gundam franchise (AniList 80, 143 entries under the default
 * policy) from the offline catalog in a temp SQLite file, with MAL data, starts the real
 * server on loopback with the real ingest engine (no worker; upstream URLs point at a
 * closed loopback port, so nothing can leave the machine), then runs autocannon against
 * `GET /api/anime/80/franchise` and `GET /healthz`. It also times the franchise read
 * in-process (store read, JSON) so a slow endpoint says where its time goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { animeFromCatalog, malInfoFromCatalog, relationsFromCatalog, walkEntryFromCatalog } from '../src/catalog/catalog-to-domain.ts';
import { loadCatalog } from '../src/catalog/catalog.ts';
import { loadConfig } from '../src/config/config.ts';
import { walkFranchise } from '../src/domain/franchise-walk.ts';
import { createApp } from '../src/http/app.ts';
import { createMetrics } from '../src/http/metrics.ts';
import { startServer } from '../src/http/server.ts';
import { httpStore } from '../src/http/store-adapter.ts';
import { silentLogger } from '../src/log.ts';
import { createRuntime } from '../src/runtime.ts';
import { createStore } from '../src/store/store.ts';

/** What this bench reads of autocannon's result (the package ships no types). */
interface CannonResult {
  requests: { average: number; total: number };
  latency: { average: number; p50: number; p99: number };
  throughput: { average: number };
  errors: number;
  non2xx: number;
}
type Cannon = (options: { url: string; connections: number; duration: number; pipelining?: number }) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

function flag(name: string, fallback: number, min: number, max: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`Expected \`--${name}\` to be an integer ${min}-${max}, got \`${process.argv[at + 1]}\``);
  return value;
}

const seconds = flag('seconds', 10, 1, 600);
const connections = flag('connections', 10, 1, 1000);
const ROOT = 80;

const dir = mkdtempSync(join(tmpdir(), 'tsunagu-serve-bench-'));
const catalog = await loadCatalog();
const members = [...walkFranchise(ROOT, (id) => {
  const entry = catalog.media.get(id);
  return entry ? walkEntryFromCatalog(entry) : undefined;
}).members.keys()];
const entries = members.flatMap((id) => catalog.media.get(id) ?? []);
const now = Date.now();
const store = await createStore(`sqlite:${join(dir, 'bench.sqlite')}`);
await store.saveBatch(entries.map((e) => animeFromCatalog(e, now)), entries.flatMap(relationsFromCatalog));
for (const e of entries) {
  const mal = e.idMal === null ? undefined : catalog.mal.get(e.idMal);
  if (mal) await store.anime.setMal(e.id, malInfoFromCatalog(mal, now));
}

// Port 9 on loopback is closed: should anything try to fetch, it fails here, never elsewhere.
const config = loadConfig({}, { anilistUrl: 'http://127.0.0.1:9/anilist', jikanUrl: 'http://127.0.0.1:9/jikan/v4', logLevel: 'silent' });
const runtime = await createRuntime(config, silentLogger, { store, worker: false });
const metrics = createMetrics();
const app = createApp({ config, logger: silentLogger, store: httpStore(store), ingest: runtime.ingest, bus: runtime.bus, metrics });
const server = await startServer(app, { port: 0 });

// Where a franchise read's time goes, without HTTP.
const view = await runtime.ingest.getFranchise(ROOT);
if (!view) throw new Error('franchise 80 is not stored');
const reads = 200;
let readMs = 0;
let jsonMs = 0;
for (let i = 0; i < reads; i++) {
  const t0 = performance.now();
  const v = await runtime.ingest.getFranchise(ROOT);
  const t1 = performance.now();
  JSON.stringify(v);
  jsonMs += performance.now() - t1;
  readMs += t1 - t0;
}
const body = JSON.stringify(view);

const results: Record<string, CannonResult> = {};
for (const path of [`/api/anime/${ROOT}/franchise`, '/healthz']) {
  await autocannon({ url: `${server.url}${path}`, connections, duration: 2 }); // warm-up
  results[path] = await autocannon({ url: `${server.url}${path}`, connections, duration: seconds });
}

await server.close();
await runtime.close();
await store.close();
rmSync(dir, { recursive: true, force: true });

const row = (path: string) => {
  const r = results[path];
  return {
    endpoint: `GET ${path}`,
    'req/s': Math.round(r.requests.average),
    'p50 ms': r.latency.p50,
    'p99 ms': r.latency.p99,
    'MB/s': +(r.throughput.average / 1e6).toFixed(1),
    errors: r.errors + r.non2xx,
  };
};
console.log(`serve bench: ${connections} connections, ${seconds} s per endpoint, Node ${process.version}`);
console.log(`franchise ${ROOT}: ${view.franchise.size} members, ${view.relations.length} relations, ${(body.length / 1024).toFixed(0)} KiB JSON`);
console.table([row(`/api/anime/${ROOT}/franchise`), row('/healthz')]);
console.log(
  `in-process, mean of ${reads}: ingest.getFranchise ${(readMs / reads).toFixed(2)} ms (store reads + walk + watch order), ` +
    `JSON.stringify ${(jsonMs / reads).toFixed(2)} ms`,
);
console.log(
  JSON.stringify({
    bench: 'serve',
    connections,
    seconds,
    franchise: { id: ROOT, members: view.franchise.size, relations: view.relations.length, jsonKiB: Math.round(body.length / 1024) },
    endpoints: Object.fromEntries(
      Object.entries(results).map(([path, r]) => [path, { requestsPerSecond: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors + r.non2xx }]),
    ),
    inProcessMs: { getFranchise: +(readMs / reads).toFixed(2), stringify: +(jsonMs / reads).toFixed(2) },
  }),
);
