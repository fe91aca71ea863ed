import { loadCatalog } from '../../src/catalog/catalog.ts';
import { animeFromCatalog, relationsFromCatalog } from '../../src/catalog/catalog-to-domain.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { walkFranchise } from '../../src/domain/franchise-walk.ts';
import { createApp } from '../../src/http/app.ts';
import type { AppDeps } from '../../src/http/app-deps.ts';
import { withJobMetrics } from '../../src/http/job-metrics.ts';
import { createMetrics, type Metrics } from '../../src/http/metrics.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { httpStore } from '../../src/http/store-adapter.ts';
import { toJobView } from '../../src/ingest/franchise-service.ts';
import type { JobView } from '../../src/ingest/ingest-service.ts';
import type { JobStatus } from '../../src/ingest/progress-event.ts';
import { MemoryProgressBus } from '../../src/jobs/memory-progress-bus.ts';
import { silentLogger } from '../../src/log.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import type { RunningSimulator } from '../../src/sim/simulator.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { fastGates, startFastSimulator, testEnv } from './ingest-harness.ts';
import { sqliteTarget } from './service-targets.ts';

/** Attack on Titan: 22 entries under the default policy. */
export const AOT = 16498;

export interface ApiFixture {
  url: string;
  server: RunningServer;
  /** The real engine: store, ingest service and bus, over the simulator. */
  runtime: Runtime;
  store: Store;
  /** The bus under the metrics wrapper, for its listener counts. */
  bus: MemoryProgressBus;
  sim: RunningSimulator;
  metrics: Metrics;
  /** Runs jobs by hand, as a worker in another process would (see remoteWorker). */
  worker: RemoteWorker;
  shutdown: AbortController;
  /** Every job in the store, newest first, as the API shows them. */
  jobs(): Promise<JobView[]>;
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
 * A real server on an ephemeral loopback port over the real engine: a SQLite file seeded
 * from the catalog, the ingest service resolving queries against the simulator, the
 * in-memory bus counted by the job metrics as `serve` wires it. By default the process is
 * API-only (`serve --no-worker`): jobs wait in the queue for a worker elsewhere, which the
 * test plays with `worker`, so it decides exactly which events exist when. `worker: true`
 * runs jobs here, against the simulator.
 */
export async function startApiFixture(
  options: {
    config?: Partial<Record<keyof Config, string | number>>;
    roots?: number[];
    deps?: Partial<AppDeps>;
    sim?: RunningSimulator;
    worker?: boolean;
  } = {},
): Promise<ApiFixture> {
  const sim = options.sim ?? (await startFastSimulator());
  const databases = sqliteTarget();
  const databaseUrl = await databases.freshUrl();
  const store = await createStore(databaseUrl);
  await seedFromCatalog(store, options.roots ?? [AOT]);
  const bus = new MemoryProgressBus();
  const metrics = createMetrics();
  // An upstream failure reaches the caller at once instead of after retries.
  const env = testEnv(sim, databaseUrl, { UPSTREAM_RETRIES: '0', UPSTREAM_RATE_LIMIT_RETRIES: '0' });
  const config = loadConfig(env, { ingestRatePerMinute: 10_000, sseHeartbeatMs: 30_000, ...options.config });
  const runtime = await createRuntime(config, silentLogger, {
    store,
    bus,
    // As `serve` wires it: job metrics come from the events on the bus.
    observeBus: (inner) => withJobMetrics(inner, metrics.jobs),
    gates: fastGates(),
    worker: options.worker ?? false,
    retryDelayMs: { discovery: 50, enrichment: 50 },
  });
  const shutdown = new AbortController();
  const app = createApp({
    config,
    logger: silentLogger,
    store: httpStore(store),
    ingest: runtime.ingest,
    bus: runtime.bus,
    metrics,
    shutdown: shutdown.signal,
    ...options.deps,
  });
  const server = await startServer(app, { port: 0, closeGraceMs: 500 });
  return {
    url: server.url,
    server,
    runtime,
    store,
    bus,
    sim,
    metrics,
    worker: remoteWorker(runtime),
    shutdown,
    jobs: async () => (await store.jobs.list({ limit: 1_000 })).map(toJobView),
    async close() {
      shutdown.abort();
      await server.close();
      await runtime.close();
      await store.close();
      await databases.cleanup();
      if (!options.sim) await sim.close();
    },
  };
}

export interface RemoteWorker {
  /** Takes the job (running), publishes one progress event. */
  step(jobId: string, done: number, total: number): Promise<void>;
  /** Ends the job in its record and, unless `silent` (a worker that died before saying so), on the bus. */
  finish(jobId: string, status: Exclude<JobStatus, 'queued' | 'running'>, options?: { silent?: boolean }): Promise<void>;
}

const WORKER_ID = 'worker-elsewhere';

/**
 * What a worker in another process does to a job, through the shared store and bus: claim
 * it, publish progress, store its end. The API process under test only sees the results,
 * as it would in a split deployment.
 */
export function remoteWorker(runtime: Pick<Runtime, 'store' | 'bus'>): RemoteWorker {
  const { store, bus } = runtime;
  const claimed = async (jobId: string) => {
    const job = await store.jobs.get(jobId);
    if (!job) throw new Error(`remote worker: no job ${jobId}`);
    if (job.status === 'queued') {
      await store.jobs.claim(WORKER_ID, 60_000, jobId);
      await bus.publish({ jobId, type: 'state', status: 'running', franchiseId: null });
    }
  };
  return {
    async step(jobId, done, total) {
      await claimed(jobId);
      const progress = { phase: 'discovery' as const, done, total, failed: 0, etaMs: null };
      await store.jobs.updateProgress(jobId, progress);
      await bus.publish({ jobId, type: 'progress', progress });
    },
    async finish(jobId, status, options = {}) {
      await claimed(jobId);
      if (status === 'cancelled') await store.jobs.cancel(jobId);
      else await store.jobs.finish(jobId, WORKER_ID, status);
      if (!options.silent) await bus.publish({ jobId, type: 'state', status, franchiseId: null });
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
