/*
 * Shared by the ingest tests (not a test file itself): a simulator on loopback with
 * scaled-up limits, a real store (SQLite in a temp dir, or a fresh PostgreSQL schema from
 * service-targets.ts),
 * and a runtime wired like the real one but with gates and waits sized for seconds-long
 * tests. Real parts throughout; nothing is stubbed.
 */
import { loadCatalog, type Catalog } from '../../src/catalog/catalog.ts';
import { walkEntryFromCatalog } from '../../src/catalog/catalog-to-domain.ts';
import { systemClock } from '../../src/clock.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { defaultPolicy, type FranchisePolicy } from '../../src/domain/franchise-policy.ts';
import { walkFranchise, type FranchiseWalkResult } from '../../src/domain/franchise-walk.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { MemoryRateGate } from '../../src/upstream/gate/memory-rate-gate.ts';
import type { UpstreamObserver } from '../../src/upstream/upstream-observer.ts';
import type { ProgressEvent } from '../../src/ingest/progress-event.ts';
import { FINAL_STATUSES } from '../../src/ingest/progress-event.ts';
import { sqliteTarget, postgresTarget } from './service-targets.ts';

/** Loopback limits high enough that no test waits on a rate window. */
export const FAST_SIM = { latencyMs: 5, jitterMs: 5, anilistRatePerMinute: 100_000, jikanPerSecond: 1_000, jikanPerMinute: 100_000 } as const;

export function startFastSimulator(extra: Parameters<typeof startSimulator>[0] = {}): Promise<RunningSimulator> {
  return startSimulator({ ...FAST_SIM, ...extra });
}

/** Gates above the fast simulator's needs: what a real run does at 30/min, done in ms. */
export function fastGates() {
  const backoff = { initialMs: 50, maxMs: 500 };
  return {
    anilist: new MemoryRateGate({ windows: [{ limit: 50_000, windowMs: 60_000 }], maxInFlight: 8, rateLimitBackoff: backoff, guardMs: 0 }, systemClock),
    jikan: new MemoryRateGate({ windows: [{ limit: 500, windowMs: 1_000 }], maxInFlight: 8, rateLimitBackoff: backoff, guardMs: 0 }, systemClock),
  };
}

/** The environment a test runtime (or a `discover` child process) reads. */
export function testEnv(sim: RunningSimulator, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ANILIST_URL: sim.anilistUrl,
    JIKAN_URL: sim.jikanUrl,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    // Generous: on a loaded machine a short timeout turns slow answers into retries. Tests of
    // hangs set their own.
    UPSTREAM_TIMEOUT_MS: '10000',
    UPSTREAM_BACKOFF_MS: '20',
    // Long enough that a loaded machine's late heartbeats do not hand a job to another worker;
    // the crash test, which waits for a dead process's lease, sets a short one.
    JOB_LEASE_MS: '5000',
    JOB_POLL_MS: '50',
    ...extra,
  };
}

/**
 * Counts upstream calls as the engine made them: first attempts only. The simulator's
 * request counts also hold the HTTP layer's retries, which a loaded machine (timeouts)
 * adds at random; what a test about the engine's own work compares is its calls.
 */
export function callCounter() {
  const calls = { anilist: 0, jikan: 0 };
  const observer: UpstreamObserver = {
    onRequest: ({ upstream, attempt }) => {
      if (attempt === 1) calls[upstream]++;
    },
  };
  return { calls, observer };
}

export interface TestDatabase {
  url: string;
  close(): Promise<void>;
}

/** One fresh PostgreSQL schema, dropped on close; `skip` says why there is none (never under CI=true). */
export async function postgresDatabase(): Promise<TestDatabase & { skip: string | undefined }> {
  const target = await postgresTarget();
  if (target.skip) return { skip: target.skip, url: '', close: () => target.cleanup() };
  return { skip: undefined, url: await target.freshUrl(), close: () => target.cleanup() };
}

/** One fresh SQLite database, removed on close. */
export async function sqliteDatabase(): Promise<TestDatabase> {
  const target = sqliteTarget();
  return { url: await target.freshUrl(), close: () => target.cleanup() };
}

export interface TestRuntime extends Runtime {
  sim: RunningSimulator;
}

/** A runtime against the simulator with test-sized gates and waits; its own store is migrated on open. */
export async function testRuntime(
  sim: RunningSimulator,
  databaseUrl: string,
  options: { env?: Record<string, string>; logger?: Logger; runtime?: RuntimeOptions } = {},
): Promise<TestRuntime> {
  const config: Config = loadConfig(testEnv(sim, databaseUrl, options.env));
  const logger = options.logger ?? silentLogger;
  const store: Store = await createStore(config.databaseUrl, { logger, migrate: true });
  const runtime = await createRuntime(config, logger, {
    store,
    gates: fastGates(),
    retryDelayMs: { discovery: 50, enrichment: 50 },
    ...options.runtime,
  });
  return {
    ...runtime,
    sim,
    async close() {
      await runtime.close();
      await store.close();
    },
  };
}

/** Every event of a job until its final state. */
export async function followJob(runtime: Pick<Runtime, 'bus'>, jobId: string, timeoutMs = 30_000): Promise<ProgressEvent[]> {
  const events: ProgressEvent[] = [];
  let unsubscribe = () => {};
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`job ${jobId} did not finish in ${timeoutMs} ms`)), timeoutMs);
    void runtime.bus
      .subscribe(jobId, 0, (event) => {
        events.push(event);
        if (event.type === 'state' && FINAL_STATUSES.has(event.status)) {
          clearTimeout(timer);
          resolve();
        }
      })
      .then((stop) => (unsubscribe = stop), reject);
  });
  unsubscribe();
  return events;
}

/** The franchise the catalog says `rootId` has under `policy`: the expected answer, computed independently of the store. */
export async function catalogFranchise(rootId: number, policy: FranchisePolicy = defaultPolicy): Promise<FranchiseWalkResult & { catalog: Catalog }> {
  const catalog = await loadCatalog();
  const result = walkFranchise(
    rootId,
    (id) => {
      const entry = catalog.media.get(id);
      return entry ? walkEntryFromCatalog(entry) : undefined;
    },
    policy,
  );
  return { ...result, catalog };
}

/** Lower bound of discovery requests: one per 50 entries of each BFS level, levels in sequence. */
export function batchBound(members: Map<number, number>, alreadyStored: ReadonlySet<number> = new Set()): number {
  const perLevel = new Map<number, number>();
  for (const [id, depth] of members) if (!alreadyStored.has(id)) perLevel.set(depth, (perLevel.get(depth) ?? 0) + 1);
  let bound = 0;
  for (const n of perLevel.values()) bound += Math.ceil(n / 50);
  return bound;
}

/** Table contents that must match between two stores holding the same data (fetch times left out). */
export async function normalisedDump(store: Store): Promise<{ anime: unknown[]; relations: unknown[]; pending: unknown[] }> {
  const anime = await store.db
    .selectFrom('anime')
    .selectAll()
    .orderBy('id')
    .execute();
  const relations = await store.db.selectFrom('relation').selectAll().orderBy('from_id').orderBy('to_id').orderBy('type').execute();
  const pending = await store.db.selectFrom('pending_relation').selectAll().orderBy('from_id').orderBy('to_id').orderBy('type').execute();
  return {
    anime: anime.map(({ fetched_at: _f, mal_fetched_at: _m, ...rest }) => rest),
    relations,
    pending,
  };
}
