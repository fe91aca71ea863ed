import type { Clock } from '../clock.ts';
import { parsePolicy, type FranchisePolicy } from '../domain/franchise-policy.ts';
import type { Logger } from '../log.ts';
import type { Job } from '../store/job-repository.ts';
import type { Store } from '../store/store.ts';
import type { Upstreams } from '../upstream/upstreams.ts';
import type { JobHandler, JobQueue } from '../jobs/job-queue.ts';
import { EntryLoader } from './entry-loader.ts';
import { readStoredFranchise, walkStored, type StoredFranchise } from './franchise-reader.ts';
import type { EntryFailure, FranchiseView } from './franchise-view.ts';
import { ingestPayloadSchema, policyToPayload, type IngestPayload, type IngestResult } from './ingest-payload.ts';
import { runIngestJob } from './ingest-job.ts';
import { formatIngestQuery, parseIngestQuery } from './ingest-query.ts';
import type { IngestRequest, IngestService, JobView } from './ingest-service.ts';
import { FINAL_STATUSES, type Progress, type ProgressBus } from './progress-event.ts';
import { resolveQuery } from './query-resolver.ts';

export interface FranchiseServiceDeps {
  store: Store;
  upstreams: Pick<Upstreams, 'anilist' | 'jikan'>;
  bus: ProgressBus;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  /** The policy of requests that name none (FRANCHISE_* options). */
  policy: FranchisePolicy;
  /** Enrich when a request does not say (TSUNAGU_ENRICH). */
  enrich: boolean;
  /** Jikan calls open at once during enrichment (JIKAN_MAX_IN_FLIGHT). */
  enrichConcurrency: number;
  /** Waits before another round for entries that failed after the clients' retries, ms (tests shorten them). */
  retryDelayMs?: { discovery?: number; enrichment?: number };
  /**
   * A stale franchise read starts at most one refresh per entry read (the anime id asked
   * for) in this window, ms: an entry AniList keeps failing on must not turn every page
   * view into a job. Reads of other members of the same franchise are counted apart; their
   * refreshes join the running job through its dedupe key. Default 600,000 (10 min).
   */
  refreshCooldownMs?: number;
  /** True while a synced catalog answers alone: reads are fresh, discovery and title lookups ask AniList nothing. */
  mirror?: () => Promise<boolean>;
  /** Aborted when the process shuts down: entry lookups still waiting for AniList give up at once. */
  signal?: AbortSignal;
}

/**
 * The ingest engine behind the CLI, the API and the page: resolves queries, starts or joins
 * jobs, runs them (as the queue's handler) and reads franchises from the store.
 *
 * Dedupe: a job's key is `franchise:<lowest stored member id>` (plus the policy when it is
 * not the default). A request looks for an active job under the key of every stored member
 * of its entry's franchise, so asking for any member joins the job already ingesting it;
 * in-process the check and the enqueue run one at a time, and across processes two
 * requests that see the same stored franchise compute the same key, which the store's
 * unique index settles.
 */
export class FranchiseService implements IngestService {
  readonly handler: JobHandler;
  private readonly loader: EntryLoader;
  /** Serialises find-or-create, so two requests for members of one franchise cannot both create. */
  private dedupeChain: Promise<unknown> = Promise.resolve();
  /** Anime id to when a read last started a refresh of its franchise, in insertion (so time) order. */
  private readonly refreshedAt = new Map<number, number>();

  constructor(private readonly deps: FranchiseServiceDeps) {
    this.loader = new EntryLoader({ store: deps.store, anilist: deps.upstreams.anilist, clock: deps.clock, signal: deps.signal });
    this.handler = {
      run: (job, context) =>
        runIngestJob(job, context, {
          store: deps.store,
          upstreams: deps.upstreams,
          bus: deps.bus,
          clock: deps.clock,
          logger: deps.logger,
          enrichConcurrency: deps.enrichConcurrency,
          retryDelayMs: deps.retryDelayMs,
          mirror: deps.mirror,
        }),
      settled: (job) => this.announceEnd(job),
    };
  }

  async requestIngest(request: IngestRequest): Promise<{ job: JobView; created: boolean }> {
    const query = parseIngestQuery(request.query);
    const policy = request.policy ? this.policyOf(request.policy) : this.deps.policy;
    const { rootId, resolution } = await resolveQuery(query, { ...this.deps, anilist: this.deps.upstreams.anilist, loader: this.loader });
    const payload: IngestPayload = {
      query: formatIngestQuery(query),
      rootId,
      enrich: request.enrich ?? this.deps.enrich,
      policy: policyToPayload(policy),
      ...(resolution ? { resolution } : {}),
    };
    const { job, created } = await this.serialised(async () => {
      const { members } = await walkStored(this.deps.store, rootId, policy);
      const suffix = this.keySuffix(policy);
      const active = await this.deps.store.jobs.findActive([...members.keys()].map((id) => `franchise:${id}${suffix}`));
      if (active) return { job: active, created: false };
      const lowest = Math.min(...members.keys());
      return this.deps.queue.enqueue({ kind: 'ingest', dedupeKey: `franchise:${lowest}${suffix}`, payload });
    });
    if (created) {
      await this.deps.bus
        .publish({ jobId: job.id, type: 'state', status: 'queued', franchiseId: rootId })
        .catch((error: unknown) => this.deps.logger.warn({ err: error, jobId: job.id }, 'publishing progress failed'));
    }
    this.deps.logger.info({ jobId: job.id, query: payload.query, rootId, created }, created ? 'ingest queued' : 'ingest joined a running job');
    const view = toJobView(job);
    return { job: resolution ? { ...view, resolution } : view, created };
  }

  async firstImportOf(stored: Pick<StoredFranchise, 'complete' | 'importKeys'>): Promise<JobView | null> {
    if (stored.complete) return null;
    const job = await this.deps.store.jobs.findActive(stored.importKeys);
    return job ? toJobView(job) : null;
  }

  async getJob(id: string): Promise<JobView | null> {
    const job = await this.deps.store.jobs.get(id);
    return job ? toJobView(job) : null;
  }

  async getFranchise(animeId: number, options: { mayRefresh?: () => Promise<boolean> } = {}): Promise<FranchiseView | null> {
    const view = await this.franchiseOf(animeId);
    if (view) await this.refreshIfStale(animeId, view.franchise.stale, options.mayRefresh);
    return view;
  }

  readFranchise(animeId: number): Promise<StoredFranchise | null> {
    return this.storedFranchise(animeId, this.deps.policy);
  }

  async refreshIfStale(animeId: number, stale: boolean, mayRefresh?: () => Promise<boolean>): Promise<void> {
    if (stale && mayRefresh && this.refreshDue(animeId) && (await mayRefresh())) this.refreshLater(animeId);
  }

  /** The stored franchise under a policy (default: the service's), with no refresh started. */
  async franchiseOf(animeId: number, policy: FranchisePolicy = this.deps.policy): Promise<FranchiseView | null> {
    return (await this.storedFranchise(animeId, policy))?.view ?? null;
  }

  private async storedFranchise(animeId: number, policy: FranchisePolicy): Promise<StoredFranchise | null> {
    const mirrored = (await this.deps.mirror?.()) ?? false;
    return readStoredFranchise(this.deps.store, animeId, { policy, now: this.deps.clock.now(), jobKeySuffix: this.keySuffix(policy), mirrored });
  }

  async cancel(jobId: string): Promise<JobView | null> {
    const outcome = await this.deps.queue.cancel(jobId);
    if (!outcome) return null;
    // A job no handler here was running ends now (its worker elsewhere hears of it from this
    // final state); a job running here announces its own end with what it did.
    if (outcome.ended) await this.announceEnd(outcome.job);
    return toJobView(outcome.job);
  }

  private async announceEnd(job: Job): Promise<void> {
    const rootId = ingestPayloadSchema.safeParse(job.payload).data?.rootId ?? null;
    await this.deps.bus
      .publish({ jobId: job.id, type: 'state', status: job.status, franchiseId: rootId })
      .catch((error: unknown) => this.deps.logger.warn({ err: error, jobId: job.id }, 'publishing the end of a job failed'));
  }

  private refreshDue(animeId: number): boolean {
    const cooldown = this.deps.refreshCooldownMs ?? 600_000;
    const now = this.deps.clock.now();
    // Entries whose cooldown has passed are forgotten, so the map holds only the last window's.
    for (const [id, at] of this.refreshedAt) {
      if (now - at < cooldown) break;
      this.refreshedAt.delete(id);
    }
    return !this.refreshedAt.has(animeId);
  }

  private refreshLater(animeId: number): void {
    this.refreshedAt.set(animeId, this.deps.clock.now());
    this.requestIngest({ query: String(animeId) }).then(
      ({ job, created }) => this.deps.logger.info({ animeId, jobId: job.id, created }, 'stale franchise read: refresh requested'),
      (error: unknown) => this.deps.logger.warn({ err: error, animeId }, 'stale franchise read: refresh could not start'),
    );
  }

  private policyOf(request: NonNullable<IngestRequest['policy']>): FranchisePolicy {
    const base = this.deps.policy;
    return parsePolicy(request.follow ?? [...base.follow], {
      maxEntries: request.maxEntries ?? base.maxEntries,
      maxDepth: request.maxDepth ?? base.maxDepth,
    });
  }

  /** Empty for the default policy, so default jobs keep short, stable keys. */
  private keySuffix(policy: FranchisePolicy): string {
    const mine = policyToPayload(policy);
    const base = policyToPayload(this.deps.policy);
    if (JSON.stringify(mine) === JSON.stringify(base)) return '';
    return `|${mine.follow.join(',')}|${mine.maxEntries}|${mine.maxDepth}`;
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.dedupeChain.then(fn, fn);
    this.dedupeChain = run.catch(() => undefined);
    return run;
  }
}

const QUEUED: Progress = { phase: 'queued', done: 0, total: 0, failed: 0, etaMs: null };

export function toJobView(job: Job): JobView {
  const payload = ingestPayloadSchema.safeParse(job.payload).data;
  const result = job.result as IngestResult | null;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    query: payload?.query ?? (job.kind === 'sync' ? 'catalog sync' : ''),
    rootId: payload?.rootId ?? null,
    enrich: payload?.enrich ?? false,
    progress: (job.progress as Progress | null) ?? QUEUED,
    failures: job.failures.map((f) => asEntryFailure(f, payload?.rootId ?? null)),
    attempts: job.attempts,
    createdAt: iso(job.createdAt)!,
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    ...(payload?.resolution ? { resolution: payload.resolution } : {}),
    ...(result?.stats ? { stats: result.stats } : {}),
  };
}

/** A job that threw stores `{message}` only; callers always get the EntryFailure shape. */
function asEntryFailure(failure: unknown, rootId: number | null): EntryFailure {
  const f = failure as Partial<EntryFailure> | null;
  if (f && typeof f.id === 'number' && (f.upstream === 'anilist' || f.upstream === 'jikan')) return f as EntryFailure;
  return { id: rootId ?? 0, upstream: 'anilist', status: null, message: typeof f?.message === 'string' ? f.message : String(failure) };
}
