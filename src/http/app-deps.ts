import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/config.ts';
import type { Anime, StoredAnime } from '../domain/anime.ts';
import type { CoverService } from '../covers/cover-service.ts';
import type { IngestService } from '../ingest/ingest-service.ts';
import type { ProgressBus } from '../ingest/progress-event.ts';
import type { Logger } from '../log.ts';
import type { CatalogStatus } from '../sync/catalog-status.ts';
import type { Metrics } from './metrics.ts';

/** What the API reads from the store: a narrow view, so tests and other stores fit easily. */
export interface HttpStore {
  anime: {
    get(id: number): Promise<StoredAnime | undefined>;
    findByMalId(malId: number): Promise<StoredAnime | undefined>;
    /** Best matches first. */
    search(query: string, limit: number): Promise<StoredAnime[]>;
  };
  /** The data version (Store.dataVersion): what the read cache keys answers by. */
  dataVersion(): Promise<number>;
  /** Resolves when the database answers (readiness). */
  ping(): Promise<void>;
}

/**
 * A title search upstream (AniList): its candidates, which the search route ranks with the store's.
 * `charge` is awaited before a search sends an upstream request (a search answered without one
 * does not call it); when it throws, nothing is sent and the search rejects with that error.
 */
export type RemoteSearch = (query: string, signal: AbortSignal, charge?: () => Promise<void>) => Promise<Anime[]>;

export type HttpConfig = Pick<Config, 'apiToken' | 'corsOrigin' | 'ingestRatePerMinute' | 'sseHeartbeatMs' | 'readCacheMb'>;

export interface AppDeps {
  config: HttpConfig;
  logger: Logger;
  store: HttpStore;
  ingest: IngestService;
  bus: ProgressBus;
  /** The cover proxy behind `GET /api/anime/{id}/cover`; without it covers answer 404. */
  covers?: Pick<CoverService, 'get' | 'remember'>;
  /** AniList search for `GET /api/search?remote=true`; without it remote search answers "not configured". */
  searchRemote?: RemoteSearch;
  /**
   * Counts each client's requests that spend upstream budget (INGEST_RATE_PER_MINUTE).
   * Default: in this process's memory; a Redis limiter makes every API process count together.
   */
  spendLimiter?: RateLimiterAbstract;
  metrics: Metrics;
  /** The synced catalog's state for GET /api/catalog, /metrics and the page footer; without it the route answers 404. */
  catalog?: () => Promise<CatalogStatus>;
  clock?: Clock;
  /** Aborted at shutdown: open event streams end so the server can close. */
  shutdown?: AbortSignal;
  /** The built web page. Default: the project's web/dist. */
  webRoot?: string;
}
