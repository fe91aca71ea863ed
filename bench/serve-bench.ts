/**
 * Serving speed: the franchise endpoint against the same server's /healthz, in one run.
 *
 *   node --import tsx bench/serve-bench.ts [--seconds 10] [--connections 10] [--rounds 3]
 *
 * `--seconds` is per run (healthz, identity, gzip, br, 304), split over the rounds.
 *
 * Stores the Mobile Suit Gundam franchise (AniList 80, 143 entries under the default
 * policy) from the offline catalog in a temp SQLite file, with MAL data, starts the real
 * server on loopback with the real ingest engine (no worker; upstream URLs point at a
 * closed loopback port, so nothing can leave the machine), then runs autocannon against
 * `GET /healthz` and `GET /api/anime/80/franchise` four ways: plain JSON, gzip, br, and
 * revalidations (`If-None-Match` with the current ETag, answered 304), taking turns in
 * rounds; each franchise figure is also given as a share of `/healthz`'s (the issue 16 bar:
 * compressed and 304 reads at least 25%). It also times the franchise read in-process
 * (store read, JSON) so a slow endpoint says where its time goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
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
  '2xx': number;
  '3xx': number;
  latency: { average: number; p50: number; p99: number };
  throughput: { average: number };
  errors: number;
  non2xx: number;
}
type Cannon = (options: { url: string; connections: number; duration: number; pipelining?: number; headers?: Record<string, string>; workers?: number }) => Promise<CannonResult>;
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

const franchisePath = `/api/anime/${ROOT}/franchise`;
const first = await fetch(`${server.url}${franchisePath}`);
const etag = first.headers.get('etag');
await first.arrayBuffer();
if (first.status !== 200 || !etag) throw new Error(`GET ${franchisePath} answered ${first.status} without an ETag`);

/** What each run asks for. */
const runs = [
  { name: 'healthz', path: '/healthz', headers: {} },
  { name: 'identity', path: franchisePath, headers: {} },
  { name: 'gzip', path: franchisePath, headers: { 'accept-encoding': 'gzip' } },
  { name: 'br', path: franchisePath, headers: { 'accept-encoding': 'br, gzip' } },
  { name: 'notModified', path: franchisePath, headers: { 'accept-encoding': 'br, gzip', 'if-none-match': etag } },
] as const;
/** Bytes on the wire per franchise run, checked once, so a run cannot measure the wrong answer. */
const wire: Record<string, number> = {};
for (const run of runs.filter((r) => r.path === franchisePath)) {
  const { status, encoding, bytes } = await rawGet(`${server.url}${run.path}`, run.headers);
  const expected = run.name === 'notModified' ? { status: 304, encoding: 'identity' } : { status: 200, encoding: run.name };
  if (status !== expected.status || encoding !== expected.encoding) throw new Error(`${run.name}: expected ${expected.status} ${expected.encoding}, got ${status} ${encoding}`);
  wire[run.name] = bytes;
}

// The machine is shared and its load swings within seconds: the runs take turns in rounds,
// so every one meets the same weather, and each figure is the mean over the rounds. The
// client runs in a worker thread: parsing 120 KiB answers on the server's own event loop
// would charge the client's work to the server.
const rounds = flag('rounds', 3, 1, 100);
const perRun = Math.max(1, Math.round(seconds / rounds));
const measured = new Map<string, CannonResult[]>(runs.map((run) => [run.name, []]));
for (const run of runs) await autocannon({ url: `${server.url}${run.path}`, connections, duration: 1, headers: run.headers }); // warm-up
for (let round = 0; round < rounds; round++) {
  for (const run of runs) measured.get(run.name)!.push(await autocannon({ url: `${server.url}${run.path}`, connections, duration: perRun, headers: run.headers, workers: 1 }));
}

await server.close();
await runtime.close();
await store.close();
rmSync(dir, { recursive: true, force: true });

const figures = (name: (typeof runs)[number]['name']) => {
  const list = measured.get(name)!;
  const ok = (r: CannonResult) => (name === 'notModified' ? r['3xx'] : r['2xx']);
  return {
    requestsPerSecond: Math.round(mean(list.map((r) => r.requests.average))),
    p50Ms: Math.max(...list.map((r) => r.latency.p50)),
    p99Ms: Math.max(...list.map((r) => r.latency.p99)),
    // A 304 is what a revalidation should get; anything else is counted as failed.
    errors: list.reduce((n, r) => n + r.errors + (r.requests.total - ok(r)), 0),
  };
};
const healthzRps = mean(measured.get('healthz')!.map((r) => r.requests.average));
const share = (name: (typeof runs)[number]['name']) => +(figures(name).requestsPerSecond / healthzRps).toFixed(3);
const table = runs.map((run) => ({ run: run.name, path: run.path, ...figures(run.name), ofHealthz: share(run.name) }));
console.log(`serve bench: ${connections} connections, ${rounds} rounds of ${perRun} s per run, Node ${process.version}`);
console.log(
  `franchise ${ROOT}: ${view.franchise.size} members, ${view.relations.length} relations, ${(body.length / 1024).toFixed(0)} KiB JSON, ` +
    `${(wire.gzip! / 1024).toFixed(0)} KiB gzip, ${(wire.br! / 1024).toFixed(0)} KiB br on the wire`,
);
console.table(table);
console.log(
  `in-process, mean of ${reads}: ingest.getFranchise ${(readMs / reads).toFixed(2)} ms (store reads + walk + watch order), ` +
    `JSON.stringify ${(jsonMs / reads).toFixed(2)} ms`,
);
const withShare = (name: (typeof runs)[number]['name']) => ({ ...figures(name), ofHealthz: share(name) });
console.log(
  JSON.stringify({
    bench: 'serve',
    connections,
    seconds: perRun * rounds,
    rounds,
    franchise: { id: ROOT, members: view.franchise.size, relations: view.relations.length, jsonKiB: Math.round(body.length / 1024), gzipKiB: Math.round(wire.gzip! / 1024), brKiB: Math.round(wire.br! / 1024) },
    endpoints: { [franchisePath]: figures('identity'), '/healthz': figures('healthz') },
    franchiseReads: { identity: withShare('identity'), gzip: withShare('gzip'), br: withShare('br'), notModified: withShare('notModified') },
    inProcessMs: { getFranchise: +(readMs / reads).toFixed(2), stringify: +(jsonMs / reads).toFixed(2) },
  }),
);

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** One GET as it travels (fetch would decode it): status, Content-Encoding and body bytes. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; encoding: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      let bytes = 0;
      res
        .on('data', (chunk: Buffer) => (bytes += chunk.byteLength))
        .on('end', () => resolve({ status: res.statusCode ?? 0, encoding: String(res.headers['content-encoding'] ?? 'identity'), bytes }))
        .on('error', reject);
    }).on('error', reject);
  });
}
