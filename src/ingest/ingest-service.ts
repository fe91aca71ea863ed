import type { StoredFranchise } from './franchise-reader.ts';
import type { FranchiseView, FranchiseStats, EntryFailure } from './franchise-view.ts';
import type { JobStatus, Progress } from './progress-event.ts';

/** A job as callers see it (CLI, API, page). */
export interface JobView {
  id: string;
  /** `sync`: a scheduled catalog sync (src/sync/sync-job.ts); its query is `catalog sync`. */
  kind: 'ingest' | 'sync';
  status: JobStatus;
  query: string;
  /** The AniList id the query resolved to, once known. */
  rootId: number | null;
  enrich: boolean;
  progress: Progress;
  failures: EntryFailure[];
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** What the query resolved to, when it was a title: the chosen entry and the next candidates ("Did you mean"), best first. */
  resolution?: { chosen: ResolutionPick; alternatives: ResolutionPick[] };
  /** Once finished: how long it took, upstream requests and failures (FranchiseView.stats of this run). */
  stats?: FranchiseStats;
}

/** One candidate of a title's resolution; `format` and `year` are absent in jobs recorded before they were kept. */
export interface ResolutionPick {
  id: number;
  title: string;
  format?: string | null;
  year?: number | null;
}

export interface IngestRequest {
  /** An AniList id, `mal:<id>`, or a title. */
  query: string;
  /** Enrich from Jikan after discovery. Default: the config's TSUNAGU_ENRICH. */
  enrich?: boolean;
  /**
   * Franchise policy for this ingest (CLI flags). Default: the config's FRANCHISE_* options.
   * A request with another policy is other work: it never joins a job of the default one.
   */
  policy?: { follow?: string[]; maxEntries?: number; maxDepth?: number };
}

/**
 * What the HTTP API and the CLI need from the ingest engine.
 * Errors: InputError (bad query), NotFoundError (nothing matches upstream), UpstreamError (upstream down).
 */
export interface IngestService {
  /** Resolves the query and starts (or joins) the ingest of its franchise. */
  requestIngest(request: IngestRequest): Promise<{ job: JobView; created: boolean }>;
  getJob(id: string): Promise<JobView | null>;
  /**
   * The stored franchise of an entry, or null when the entry is not stored. Stale data is
   * returned at once; a refresh starts behind it only when `mayRefresh` says the caller may
   * spend upstream budget (asked only when a refresh would start). Without it nothing starts.
   */
  getFranchise(animeId: number, options?: { mayRefresh?: () => Promise<boolean> }): Promise<FranchiseView | null>;
  /**
   * getFranchise in two halves, for a reader that keeps views (the HTTP read cache): the
   * stored franchise with when time alone would make it stale, starting nothing ...
   */
  readFranchise(animeId: number): Promise<StoredFranchise | null>;
  /** ... and the refresh getFranchise starts for a stale view, run for every read of a kept one. */
  refreshIfStale(animeId: number, stale: boolean, mayRefresh?: () => Promise<boolean>): Promise<void>;
  /** The import of a franchise while it is under way and has stored only part of it, else null. */
  firstImportOf(stored: Pick<StoredFranchise, 'complete' | 'importKeys'>): Promise<JobView | null>;
  /** Asks a queued or running job to stop at the next safe point. */
  cancel(jobId: string): Promise<JobView | null>;
}
