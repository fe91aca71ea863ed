import type { Clock } from '../clock.ts';
import type { FranchisePolicy } from '../domain/franchise-policy.ts';
import { createFranchiseWalk, type FranchiseWalk, type WalkEntry } from '../domain/franchise-walk.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { AniListClient, FetchMediaResult } from '../upstream/anilist/anilist-client.ts';
import type { RequestTally } from '../upstream/http/upstream-http.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import type { EntryFailure } from './franchise-view.ts';
import { idList, storing } from './store-write-error.ts';
import { storedWalkEntries } from './stored-walk-entries.ts';

/** AniList answers at most 50 media per Page. */
const BATCH_SIZE = 50;
/**
 * Batch groups in flight at once. Franchises rarely need more than one (a level wider than
 * 50 entries); the cap only matters for huge ones, where the rate gate would queue the
 * requests anyway.
 */
const MAX_GROUPS_IN_FLIGHT = 4;

export interface DiscoveryDeps {
  store: Pick<Store, 'anime' | 'relations' | 'saveBatch' | 'db'>;
  anilist: Pick<AniListClient, 'fetchMedia'>;
  clock: Clock;
  logger: Logger;
  /** True while a synced catalog answers alone (src/sync/mirror-freshness.ts): nothing is fetched then. */
  mirror?: () => Promise<boolean>;
}

export interface DiscoveryListener {
  /** Members just known: fetched and stored in one transaction, or found fresh in the store. */
  entries?(ids: number[], how: 'fetched' | 'stored'): void;
  progress?(progress: { done: number; total: number; failed: number }): void;
  failure?(failure: EntryFailure): void;
}

export interface DiscoveryOptions {
  policy: FranchisePolicy;
  signal?: AbortSignal;
  listener?: DiscoveryListener;
  /**
   * Extra rounds for ids whose batch still failed after the client's own retries (a 429
   * storm or an outage outlasting them). Default 1, range 0-5.
   */
  retryRounds?: number;
  /** Wait before such a round, ms. Default 2,000. */
  retryDelayMs?: number;
  /** Counts this discovery's AniList requests. */
  tally?: RequestTally;
}

export interface DiscoveryResult {
  rootId: number;
  /** False when AniList does not know the root (nothing was discovered). */
  rootFound: boolean;
  /** Member id to hop count from the root; failed members are included, unexpanded. */
  members: Map<number, number>;
  truncated: boolean;
  bridges: number[];
  /** Entries AniList could not give, each named (failed after retries, or unknown to AniList). */
  failures: EntryFailure[];
  /** Entries fetched from AniList. */
  fetched: number;
  /** Entries fresh in the store, walked over their stored edges without a request. */
  reused: number;
  /** AniList batches answered (successful HTTP requests of this discovery). */
  batches: number;
  /** Stopped by the signal with members still to fetch (false when the walk was complete anyway). */
  cancelled: boolean;
}

/**
 * Discovers a franchise breadth first, pipelined: the frontier goes to AniList in batches
 * of up to 50; each batch is stored in one transaction as it returns and its new
 * neighbours are queued at once. Queued ids go out as soon as 50 are waiting; a partial
 * batch waits until no batch is in flight. Requests are the scarce resource (at AniList's
 * 30/min each one costs two seconds of budget) while sibling batches return within a
 * jitter of each other, so holding the remainder for them keeps the request count at one
 * per 50 entries of a level instead of one per returning batch. Entries fresh in the
 * store are walked over their stored edges without a request. The critical path is about
 * levels x round trip.
 */
export function discoverFranchise(rootId: number, deps: DiscoveryDeps, options: DiscoveryOptions): Promise<DiscoveryResult> {
  return new Discovery(rootId, deps, options).run();
}

class Discovery {
  private readonly walk: FranchiseWalk;
  private readonly signal: AbortSignal | undefined;
  private readonly retryRounds: number;
  private readonly retryDelayMs: number;
  /** Ids waiting to be sent to AniList. */
  private readonly queue: number[] = [];
  /** Ids the walk has its edges for (fetched, reused, or given up on). */
  private readonly visited = new Set<number>();
  /** Failed batch rounds per id. */
  private readonly attempts = new Map<number, number>();
  private readonly failures = new Map<number, EntryFailure>();
  /** Async steps under way (batch groups, store reads, retry waits). */
  private outstanding = 0;
  private groupsInFlight = 0;
  private fetched = 0;
  private reused = 0;
  private batches = 0;
  private rootFound = true;
  private error: unknown = null;
  /** Aborts this discovery's requests when it fails; `requests` is that or the caller's signal. */
  private readonly halt = new AbortController();
  private readonly requests: AbortSignal;
  private settle!: () => void;
  private readonly idle = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(
    private readonly rootId: number,
    private readonly deps: DiscoveryDeps,
    private readonly options: DiscoveryOptions,
  ) {
    this.walk = createFranchiseWalk(rootId, options.policy);
    this.signal = options.signal;
    this.requests = options.signal ? AbortSignal.any([options.signal, this.halt.signal]) : this.halt.signal;
    this.retryRounds = options.retryRounds ?? 1;
    this.retryDelayMs = options.retryDelayMs ?? 2_000;
  }

  async run(): Promise<DiscoveryResult> {
    this.track(this.examine([this.rootId]));
    await this.idle;
    if (this.error) throw this.error;
    const left = this.walk.pending();
    const cancelled = (this.signal?.aborted ?? false) && left.length > 0;
    if (!this.signal?.aborted && left.length > 0) this.deps.logger.error({ rootId: this.rootId, left }, 'discovery ended with ids never visited');
    const { members, truncated, bridges } = this.walk.result();
    return {
      rootId: this.rootId,
      rootFound: this.rootFound,
      members,
      truncated,
      bridges,
      failures: [...this.failures.values()],
      fetched: this.fetched,
      reused: this.reused,
      batches: this.batches,
      cancelled,
    };
  }

  /** Runs a step; when it ends, sends what can go and checks whether everything is done. */
  private track(step: Promise<void>): void {
    this.outstanding++;
    step
      .catch((error: unknown) => {
        if (isAbort(error) && this.requests.aborted) return;
        this.stopOn(error);
      })
      .finally(() => {
        this.outstanding--;
        this.pump();
      });
  }

  private pump(): void {
    if (this.error || this.signal?.aborted) this.queue.length = 0;
    while (this.queue.length >= BATCH_SIZE && this.groupsInFlight < MAX_GROUPS_IN_FLIGHT) this.send(this.queue.splice(0, BATCH_SIZE));
    if (this.queue.length > 0 && this.groupsInFlight === 0) this.send(this.queue.splice(0, BATCH_SIZE));
    if (this.outstanding === 0 && this.queue.length === 0) this.settle();
  }

  /** One fetchMedia call of up to 50 ids (more than one request only if AniList made the client halve it). */
  private send(ids: number[]): void {
    this.groupsInFlight++;
    // Each batch's outcome is taken as it happens: a failed store write stops discovery at
    // once, and is never a rejection nobody listens to while later batches are still out.
    const handling: Promise<void>[] = [];
    const group = async () => {
      try {
        await this.deps.anilist.fetchMedia(ids, {
          signal: this.requests,
          priority: 'interactive',
          tally: this.options.tally,
          onBatch: (part) =>
            handling.push(
              this.handleBatch(part).catch((error: unknown) => this.stopOn(error)),
            ),
        });
      } finally {
        // A batch's store write must finish before its group counts as returned.
        await Promise.all(handling);
        this.groupsInFlight--;
      }
    };
    this.track(group());
  }

  private async handleBatch(part: FetchMediaResult): Promise<void> {
    if (part.entries.size > 0 || part.missing.length > 0) this.batches++;
    const entries = [...part.entries.values()];
    if (entries.length > 0) {
      const ids = entries.map((e) => e.anime.id);
      await storing(
        () => `AniList batch of ${ids.length} entries (ids ${idList(ids)})`,
        () =>
          this.deps.store.saveBatch(
            entries.map((e) => e.anime),
            entries.flatMap((e) => e.relations),
          ),
      );
      this.fetched += entries.length;
      this.options.listener?.entries?.(ids, 'fetched');
    }
    // Read back from the store rather than taken from the answer: the stored view adds what
    // entries stored earlier say about these (one-way edges into the franchise).
    const stored = await storedWalkEntries(this.deps.store, entries.map((e) => e.anime.id));
    const visits: [number, WalkEntry | undefined][] = entries.map((e) => [e.anime.id, stored.get(e.anime.id)]);
    for (const id of part.missing) {
      if (id === this.rootId) this.rootFound = false;
      else this.fail({ id, upstream: 'anilist', status: 404, message: 'AniList has no anime with this id' });
      visits.push([id, undefined]);
    }
    for (const { ids, error } of part.failed) {
      for (const id of ids) {
        const round = (this.attempts.get(id) ?? 0) + 1;
        this.attempts.set(id, round);
        if (round <= this.retryRounds && !this.signal?.aborted) {
          this.track(this.retryLater(id, round));
        } else {
          this.fail({ id, upstream: 'anilist', status: error.status, message: error.message });
          visits.push([id, undefined]);
        }
      }
    }
    await this.examine(this.visit(visits));
  }

  private async retryLater(id: number, round: number): Promise<void> {
    await this.deps.clock.sleep(this.retryDelayMs * round, this.signal);
    this.queue.push(id);
  }

  private visit(visits: [number, WalkEntry | undefined][]): number[] {
    for (const [id] of visits) this.visited.add(id);
    const next = visits.length > 0 ? this.walk.visitAll(visits) : [];
    this.report();
    return next;
  }

  /** Walks the ids fresh in the store over their stored edges and queues the rest for fetching. */
  private async examine(ids: number[]): Promise<void> {
    while (ids.length > 0 && !this.signal?.aborted) {
      const stale = new Set(await this.deps.store.anime.staleIds(ids, this.deps.clock.now()));
      if (stale.size > 0 && (await this.deps.mirror?.())) {
        // A fresh synced catalog holds every entry AniList lists: stored ones count as fresh,
        // and an edge's end it does not hold is not one AniList lists (removed, unpublished).
        const stored = new Set((await this.deps.store.anime.getSummaries([...stale])).map((a) => a.id));
        for (const id of stale) {
          if (stored.has(id)) continue;
          this.fail({ id, upstream: 'anilist', status: 404, message: 'not in the synced AniList catalog' });
          this.visit([[id, undefined]]);
        }
        stale.clear();
      }
      for (const id of ids) if (stale.has(id)) this.queue.push(id);
      const fresh = ids.filter((id) => !stale.has(id) && !this.visited.has(id));
      if (fresh.length === 0) return;
      const stored = await storedWalkEntries(this.deps.store, fresh);
      this.reused += fresh.length;
      this.options.listener?.entries?.(fresh, 'stored');
      ids = this.visit(fresh.map((id) => [id, stored.get(id)]));
    }
  }

  /** The first error ends discovery: nothing more is sent, and requests under way are aborted. */
  private stopOn(error: unknown): void {
    this.error ??= error;
    this.halt.abort(error);
  }

  private fail(failure: EntryFailure): void {
    this.failures.set(failure.id, failure);
    this.options.listener?.failure?.(failure);
  }

  private report(): void {
    this.options.listener?.progress?.({ done: this.visited.size, total: this.walk.members().size, failed: this.failures.size });
  }
}

function isAbort(error: unknown): boolean {
  return (error instanceof UpstreamError && error.kind === 'aborted') || (error instanceof Error && error.name === 'AbortError');
}
