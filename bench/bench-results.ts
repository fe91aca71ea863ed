/** The shape of bench/results/latest.json: one row per (scenario, franchise, strategy), plus serving and bulk store. */
import type { StrategyName } from './strategy-run.ts';

export interface BenchRow {
  scenario: string;
  /** What the simulator enforced for AniList in this scenario, requests per sliding minute. */
  anilistPerMinute: number;
  franchise: string;
  rootId: number;
  /** Expected members (catalog walk under the default policy), BFS levels, members with a MAL id. */
  size: number;
  levels: number;
  malEntries: number;
  strategy: StrategyName;
  /** True when the run's store holds exactly the expected member set. */
  sameMembers: boolean;
  members: number[];
  /** null when some member never got its AniList data. */
  completeFranchiseS: number | null;
  discoveryBoundS: number;
  /** completeFranchiseS / discoveryBoundS. */
  completeVsBound: number | null;
  fullEnrichmentS: number;
  enrichmentBoundS: number;
  enrichmentVsBound: number;
  /** MAL data stored for this many of the members with a MAL id. */
  malStored: number;
  /** As the simulator counted them: every request that arrived, 429s it answered, most in any sliding window. */
  requests: { anilist: number; jikan: number };
  http429: { anilist: number; jikan: number };
  peak1s: { anilist: number; jikan: number };
  peak60s: { anilist: number; jikan: number };
  medianRttMs: { anilist: number; jikan: number };
  /** Peak RSS of the child process that ran the strategy (the simulator runs in the parent). */
  peakRssMb: number;
  failures: string[];
}

export interface ServingResult {
  /** e.g. `/api/anime/80/franchise`. */
  path: string;
  requestsPerSecond: number;
  p99Ms: number;
  /** The same server's `/healthz`, measured in the same run: what the framework costs alone. */
  healthz: { requestsPerSecond: number; p99Ms: number };
  connections: number;
  durationS: number;
  errors: number;
  /**
   * The franchise read four ways (plain JSON, gzip, br, and revalidations answered 304), each
   * with its share of `/healthz`'s requests/s in the same run. Absent in results made before.
   */
  reads?: Record<'identity' | 'gzip' | 'br' | 'notModified', ServedRead>;
  /** Anything the measuring function reports beyond the above. */
  detail?: unknown;
}

export interface ServedRead {
  requestsPerSecond: number;
  /** requestsPerSecond over `/healthz`'s. */
  ofHealthz: number;
  p99Ms: number;
  errors: number;
}

export interface BulkStoreResult {
  database: 'sqlite' | 'postgres';
  anime: number;
  relations: number;
  seconds: number;
  rowsPerSecond: number;
  detail?: unknown;
}

/** Start-up, medians of `runs` runs (bench/startup.ts): the built CLI and the sources through tsx. */
export interface StartupResult {
  runs: number;
  /** `node -e 0`: what Node itself costs. */
  bareNodeMs: number;
  helpMs: { dist: number; src: number };
  /** From spawning `tsunagu discover <id>` until its first request reaches the upstream. */
  discoverToFirstRequestMs: { dist: number; src: number };
}

/** Discovery alone per franchise and relation depth (bench/discovery.ts), medians of `runs` runs. */
export interface DiscoveryRow {
  franchise: string;
  rootId: number;
  size: number;
  levels: number;
  /** ANILIST_RELATION_DEPTH. */
  depth: number;
  /** Requests on the critical path: each sent after the one before it returned. */
  roundTrips: number;
  requests: number;
  discoveryS: number;
  /** levels x the simulator's round trip: the bound of a walk asking one level per round trip. */
  levelBoundS: number;
  vsBound: number;
  sameMembers: boolean;
  /** Summed over the runs. */
  http429: number;
  runs: number;
}

/** One database's run of bench/catalog-sync.ts: the whole catalog, SIGKILLed a third of the way and run again. */
export interface CatalogSyncResult {
  database: 'sqlite' | 'postgres';
  /** Entries stored, and the catalog's size: equal when complete. */
  entries: number;
  catalogEntries: number;
  complete: boolean;
  /** AniList requests of both runs; the minimal ceil(entries / 50); the bar (1.15 x minimal + 10). */
  requests: number;
  minimalRequests: number;
  requestBound: number;
  /** Wall time of both runs (process start-ups included); the minimal requests at the rate; the bar (1.3 x that + 15 s). */
  seconds: number;
  rateBoundS: number;
  secondsBound: number;
  http429: number;
  /** Requests of the incremental sync after five upstream edits. */
  incrementalRequests: number;
  /** AniList requests of `tsunagu discover <root> --json --no-enrich` after the sync. */
  discoverAniListRequests: number;
  /** Peak RSS of a sync process (VmHWM), MB. */
  peakRssMb: number;
}

export interface BenchResults {
  /** The command that produced these results. */
  command: string;
  quick: boolean;
  startedAt: string;
  durationS: number;
  /** loadAverage: 1-minute load at start and end; the machine is shared, so figures under load run slower. */
  machine: { node: string; platform: string; cpus: number; cpuModel: string; loadAverage: { start: number; end: number } };
  simulator: { latencyMs: number; jitterMs: number; jikanPerSecond: number; jikanPerMinute: number; seed: number };
  /** Config environment the tsunagu strategy ran with over the defaults (empty: as shipped). */
  tsunaguEnv: Record<string, string>;
  rows: BenchRow[];
  serving: ServingResult | { skipped: string };
  /** Absent in results written before start-up was measured. */
  startup?: StartupResult | { skipped: string };
  /** Absent in results written before nested discovery was measured. */
  discovery?: DiscoveryRow[] | { skipped: string };
  bulkStore: (BulkStoreResult | { database: string; skipped: string })[];
  /** Absent in results written before the catalog sync was measured. */
  catalogSync?: { ratePerMinute: number; latencyMs: number; results: (CatalogSyncResult | { database: string; skipped: string })[] };
}
