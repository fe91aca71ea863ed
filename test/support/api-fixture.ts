import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/catalog.ts';
import { animeFromCatalog, relationsFromCatalog } from '../../src/catalog/catalog-to-domain.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { walkFranchise } from '../../src/domain/franchise-walk.ts';
import { MemoryProgressBus } from '../../src/jobs/memory-progress-bus.ts';
import { silentLogger } from '../../src/log.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { createApp } from '../../src/http/app.ts';
import type { AppDeps } from '../../src/http/app-deps.ts';
import { withJobMetrics } from '../../src/http/job-metrics.ts';
import { createMetrics, type Metrics } from '../../src/http/metrics.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { httpStore } from '../../src/http/store-adapter.ts';
import { FakeIngest } from './fake-ingest.ts';

/** Attack on Titan: 16 entries under the default policy. */
export const AOT = 16498;

export interface ApiFixture {
  url: string;
  server: RunningServer;
  store: Store;
  /** The bus under the metrics wrapper, for its listener counts. */
  bus: MemoryProgressBus;
  ingest: FakeIngest;
  metrics: Metrics;
  shutdown: AbortController;
  close(): Promise<void>;
}

/** Stores the franchises of `roots`, as discovered from the offline catalog, in one batch each. */
export async function seedFromCatalog(store: Store, roots: number[]): Promise<void> {
  const catalog = await loadCatalog({ anilistOnly: true });
  for (const root of roots) {
    const edgesOf = (id: number) => {
      const entry = catalog.media.get(id);
      return entry ? relationsFromCatalog(entry) : undefined;
    };
    const members = [...walkFranchise(root, edgesOf).members.keys()];
    const entries = members.flatMap((id) => catalog.media.get(id) ?? []);
    await store.saveBatch(
      entries.map((e) => animeFromCatalog(e, Date.now())),
      entries.flatMap(relationsFromCatalog),
    );
  }
}

/**
 * A real server on an ephemeral loopback port over a real SQLite file seeded from the
 * catalog, with the in-memory bus and the fake-ingest double.
 */
export async function startApiFixture(
  options: { config?: Partial<Record<keyof Config, string | number>>; roots?: number[]; deps?: Partial<AppDeps> } = {},
): Promise<ApiFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'tsunagu-http-'));
  const store = await createStore(`sqlite:${join(dir, 'test.sqlite')}`);
  await seedFromCatalog(store, options.roots ?? [AOT]);
  const bus = new MemoryProgressBus();
  const metrics = createMetrics();
  // As `serve` wires it: job metrics come from the events on the bus.
  const observed = withJobMetrics(bus, metrics.jobs);
  const ingest = new FakeIngest(store, observed);
  const shutdown = new AbortController();
  const config = loadConfig({}, { ingestRatePerMinute: 10_000, sseHeartbeatMs: 30_000, ...options.config });
  const app = createApp({ config, logger: silentLogger, store: httpStore(store), ingest, bus: observed, metrics, shutdown: shutdown.signal, ...options.deps });
  const server = await startServer(app, { port: 0, closeGraceMs: 500 });
  return {
    url: server.url,
    server,
    store,
    bus,
    ingest,
    metrics,
    shutdown,
    async close() {
      shutdown.abort();
      await server.close();
      await bus.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Checks the RFC 9457 shape and returns the problem. */
export async function readProblem(response: Response): Promise<{ type: string; title: string; status: number; detail: string; instance: string; errors?: { field: string; message: string }[]; [k: string]: unknown }> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`expected problem+json, got ${type} (${response.status}): ${await response.text()}`);
  const body = await response.json();
  if (body.status !== response.status) throw new Error(`problem status ${body.status} differs from HTTP ${response.status}`);
  return body;
}
