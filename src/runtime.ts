import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config/config.ts';
import { policyFromConfig } from './config/franchise-policy-options.ts';
import { FranchiseService } from './ingest/franchise-service.ts';
import type { ProgressBus } from './ingest/progress-event.ts';
import { InProcessJobQueue } from './jobs/in-process-job-queue.ts';
import type { JobQueue } from './jobs/job-queue.ts';
import { JobRetention } from './jobs/job-retention.ts';
import { MemoryProgressBus } from './jobs/memory-progress-bus.ts';
import type { Logger } from './log.ts';
import { createStore, type Store } from './store/store.ts';
import { storeOptionsFromConfig } from './store/store-options.ts';
import { PaceKeeper } from './upstream/gate/pace-memory.ts';
import type { Fetch } from './upstream/http/fetch.ts';
import type { UpstreamObserver } from './upstream/upstream-observer.ts';
import { createUpstreams, type UpstreamDeps, type Upstreams } from './upstream/upstreams.ts';
import { CatalogSync } from './sync/catalog-sync.ts';
import { mirrorFreshness, type MirrorFreshness } from './sync/mirror-freshness.ts';
import { runSyncJob } from './sync/sync-job.ts';
import { SyncScheduler } from './sync/sync-scheduler.ts';

export interface RuntimeOptions {
  clock?: Clock;
  /** A store to use instead of opening DATABASE_URL; the runtime does not close it. */
  store?: Store;
  /** Progress events; default an in-process MemoryProgressBus, or a Redis one when REDIS_URL is set. */
  bus?: ProgressBus;
  /** Wraps the bus the runtime uses (given or default), e.g. to count job metrics from its events. */
  observeBus?: (bus: ProgressBus) => ProgressBus;
  /** Builds the job queue over the store; default the in-process queue on the store's job table. */
  queue?: (store: Store) => JobQueue;
  /** Rate gates shared beyond this process (e.g. Redis); default in-memory gates from the config. */
  gates?: UpstreamDeps['gates'];
  /** Hooks for upstream metrics. */
  observer?: UpstreamObserver;
  fetch?: Fetch;
  /** Run ingest jobs in this process. Default true; false for an API-only process (`serve --no-worker`). */
  worker?: boolean;
  /** Waits before another round for entries that failed after the clients' retries, ms (tests shorten them). */
  retryDelayMs?: { discovery?: number; enrichment?: number };
}

export interface Runtime {
  config: Config;
  logger: Logger;
  /** What every part was given for time (the API judges a kept answer's freshness by it too). */
  clock: Clock;
  store: Store;
  upstreams: Upstreams;
  bus: ProgressBus;
  queue: JobQueue;
  ingest: FranchiseService;
  /** The catalog mirror (`tsunagu sync`, the scheduled sync, /api/catalog). */
  catalogSync: CatalogSync;
  /** True while the synced catalog answers franchises alone (SYNC_FRESH_MINUTES). */
  mirror: MirrorFreshness;
  /** Counts each client's upstream spending, `points` per minute: in Redis when REDIS_URL is set (all API processes together), else in memory. */
  spendLimiter(points: number): RateLimiterAbstract;
  /**
   * Stops taking jobs (running ones are put back in the queue at their last safe point,
   * waited for up to SHUTDOWN_GRACE_MS), then closes the bus and the store.
   */
  close(): Promise<void>;
}

/** The composition root: the one place that wires store, upstreams, bus, queue and the ingest engine. */
export async function createRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await createStore(config.databaseUrl, { logger, clock, ...storeOptionsFromConfig(config) }));
  // REDIS_URL makes processes one installation: BullMQ jobs, progress and rate budgets in Redis.
  // Imported only then: BullMQ alone takes about half a second to load.
  const redis = config.redisUrl
    ? (await import('./redis/redis-parts.ts')).createRedisParts({ ...config, redisUrl: config.redisUrl }, { logger, clock })
    : null;
  // What the gates learnt in earlier runs (429s): kept beside the budgets when they are shared, else in the store.
  const paceStore = redis?.paces ?? store.gatePaces;
  const paces = { anilist: await PaceKeeper.open(paceStore, 'anilist', logger), jikan: await PaceKeeper.open(paceStore, 'jikan', logger) };
  const upstreams = createUpstreams(config, {
    logger,
    clock,
    fetch: options.fetch,
    observer: options.observer,
    gates: options.gates ?? redis?.gates(paces),
    paces,
  });
  const baseBus = options.bus ?? redis?.bus() ?? new MemoryProgressBus({ clock });
  const bus = options.observeBus ? options.observeBus(baseBus) : baseBus;
  const queue =
    options.queue?.(store) ??
    redis?.queue(store) ??
    new InProcessJobQueue(store.jobs, {
      concurrency: config.workerConcurrency,
      leaseMs: config.jobLeaseMs,
      pollMs: config.jobPollMs,
      clock,
      logger,
    });
  // Aborted first thing at close: work waiting on upstreams for a request (not a job) stops.
  const shutdown = new AbortController();
  const mirror = mirrorFreshness(store, clock, config.syncFreshMinutes * 60_000);
  const catalogSync = new CatalogSync(
    { store, anilist: upstreams.anilist, clock, logger },
    { resultCap: config.syncResultCap, overlapSeconds: config.syncOverlapSeconds },
  );
  const ingest = new FranchiseService({
    store,
    upstreams,
    bus,
    queue,
    clock,
    logger,
    policy: policyFromConfig(config),
    enrich: config.enrich,
    enrichConcurrency: config.jikanMaxInFlight,
    retryDelayMs: options.retryDelayMs,
    mirror,
    signal: shutdown.signal,
  });
  const syncIntervalMs = config.syncIntervalMinutes * 60_000;
  const scheduler = syncIntervalMs > 0 ? new SyncScheduler({ queue, store, clock, logger }, { intervalMs: syncIntervalMs, enrich: config.enrich }) : null;
  const retention = new JobRetention({ jobs: store.jobs, bus, clock, logger, retainMs: config.jobRetentionDays * 86_400_000 });
  // Processes that run jobs also clear out old ones; an API-only process leaves it to them.
  if (options.worker ?? true) {
    // Jobs are keyed by kind: scheduled catalog syncs run beside ingests in the same queue.
    queue.start({
      run: (job, context) =>
        job.kind === 'sync'
          ? runSyncJob(job, context, {
              store,
              sync: catalogSync,
              upstreams,
              bus,
              clock,
              logger,
              policy: policyFromConfig(config),
              enrichConcurrency: config.jikanMaxInFlight,
              enrichBudgetMs: syncIntervalMs / 2,
            })
          : ingest.handler.run(job, context),
      settled: ingest.handler.settled,
    });
    retention.start();
    scheduler?.start();
  }
  let closing: Promise<void> | null = null;
  return {
    config,
    logger,
    clock,
    store,
    upstreams,
    bus,
    queue,
    ingest,
    catalogSync,
    mirror,
    spendLimiter: (points) => redis?.limiter(points) ?? new RateLimiterMemory({ points, duration: 60 }),
    close() {
      closing ??= (async () => {
        shutdown.abort(new Error('tsunagu is shutting down'));
        await scheduler?.stop();
        await retention.stop();
        await queue.close({ graceMs: config.shutdownGraceMs });
        await bus.close();
        await Promise.all([paces.anilist.close(), paces.jikan.close()]);
        await redis?.close();
        if (!options.store) await store.close();
      })();
      return closing;
    },
  };
}
