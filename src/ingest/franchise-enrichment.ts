import type { Clock } from '../clock.ts';
import type { MalInfo, StoredAnime } from '../domain/anime.ts';
import type { Relation } from '../domain/relation-type.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { RequestTally } from '../upstream/http/upstream-http.ts';
import type { JikanClient, JikanFull } from '../upstream/jikan/jikan-client.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import type { EntryFailure } from './franchise-view.ts';
import { storing } from './store-write-error.ts';

export interface EnrichmentDeps {
  store: Pick<Store, 'anime' | 'relations'>;
  jikan: Pick<JikanClient, 'fetchFull'>;
  clock: Clock;
  logger: Logger;
}

export interface EnrichmentListener {
  /** Entries whose MAL data was just stored (ok or missing). */
  entries?(ids: number[]): void;
  progress?(progress: { done: number; total: number; failed: number }): void;
  failure?(failure: EntryFailure): void;
}

export interface EnrichmentOptions {
  signal?: AbortSignal;
  listener?: EnrichmentListener;
  /**
   * Jikan calls open at once. The Jikan gate paces and caps them anyway; this only has to
   * keep it busy. Default 3 (JIKAN_MAX_IN_FLIGHT), range 1-16.
   */
  concurrency?: number;
  /** Extra rounds for an entry that still failed after the client's retries. Default 1, range 0-5. */
  retryRounds?: number;
  /** Wait before such a round, ms. Default 5,000 (Jikan's outages come in minutes, not ms). */
  retryDelayMs?: number;
  /** Counts this enrichment's Jikan requests. */
  tally?: RequestTally;
}

export interface EnrichmentResult {
  /** Entries with MAL data stored. */
  enriched: number;
  /** Entries Jikan has no page for (404). */
  missing: number;
  /** MAL relations stored beside AniList's. */
  malRelations: number;
  failures: EntryFailure[];
  /** Stopped by the signal with entries left to fetch or store (false when nothing was left anyway). */
  cancelled: boolean;
}

/**
 * Enriches stored franchise members from Jikan while discovery is still running: `offer`
 * ids as they are stored, `close` when no more will come, then await `done`. Only entries
 * with a MAL id and absent, failed or stale MAL data are fetched, at background priority,
 * so discovery's AniList requests never wait behind it (they use another gate anyway).
 */
export class FranchiseEnrichment {
  readonly done: Promise<EnrichmentResult>;
  private readonly queue: number[] = [];
  /** Every id offered, so an entry found twice (fetched, then read back) is fetched once. */
  private readonly seen = new Set<number>();
  private readonly attempts = new Map<number, number>();
  private readonly failures = new Map<number, EntryFailure>();
  /** MAL id to stored AniList id; MAL edges of one franchise point at the same few ids. */
  private readonly malToAniList = new Map<number, number>();
  /** Entries with MAL edges to anime not stored yet: discovery may still store them. */
  private readonly deferred: { id: number; full: JikanFull }[] = [];
  private readonly concurrency: number;
  /** Entries offered (stale ones), finished, enriched, missing on MAL; MAL relations stored. */
  private readonly counts = { total: 0, finished: 0, enriched: 0, missing: 0, malRelations: 0 };
  private workers = 0;
  /** Offers still reading the store, and retry waits: the queue may still grow while any run. */
  private pendingOffers = 0;
  private closed = false;
  /** The signal stopped work that was still to do. */
  private cutShort = false;
  private error: unknown = null;
  private settle!: () => void;

  constructor(
    private readonly deps: EnrichmentDeps,
    private readonly options: EnrichmentOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 3;
    const idle = new Promise<void>((resolve) => (this.settle = resolve));
    this.done = idle.then(() => {
      if (this.error) throw this.error;
      return {
        enriched: this.counts.enriched,
        missing: this.counts.missing,
        malRelations: this.counts.malRelations,
        failures: [...this.failures.values()],
        cancelled: this.cutShort,
      };
    });
  }

  /** Queues the entries among `ids` that need MAL data; ids already offered are ignored. */
  offer(ids: readonly number[]): void {
    const fresh = ids.filter((id) => !this.seen.has(id));
    if (fresh.length === 0) return;
    if (this.options.signal?.aborted) {
      this.cutShort = true;
      return;
    }
    for (const id of fresh) this.seen.add(id);
    this.pendingOffers++;
    this.deps.store.anime
      .malStaleIds(fresh, this.deps.clock.now())
      .then((stale) => {
        this.counts.total += stale.length;
        this.queue.push(...stale);
      })
      .catch((error: unknown) => {
        this.error ??= error;
      })
      .finally(() => {
        this.pendingOffers--;
        this.pump();
      });
  }

  /** No more offers will come; `done` resolves once the queue drains. */
  close(): Promise<EnrichmentResult> {
    this.closed = true;
    this.pump();
    return this.done;
  }

  private pump(): void {
    const stop = this.error !== null || (this.options.signal?.aborted ?? false);
    if (stop && this.queue.length > 0) {
      this.cutShort = true;
      this.queue.length = 0;
    }
    while (!stop && this.workers < this.concurrency && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.workers++;
      void this.enrich(id).finally(() => {
        this.workers--;
        this.pump();
      });
    }
    if (this.closed && this.workers === 0 && this.pendingOffers === 0 && this.queue.length === 0) {
      const deferred = this.deferred.splice(0);
      if (stop && deferred.length > 0) this.cutShort = true;
      if (stop || deferred.length === 0) this.settle();
      else {
        this.workers++;
        void this.finishDeferred(deferred).finally(() => {
          this.workers--;
          this.pump();
        });
      }
    }
  }

  /** Discovery is over: what MAL links to is stored now or never will be in this run. */
  private async finishDeferred(deferred: { id: number; full: JikanFull }[]): Promise<void> {
    try {
      for (const { id, full } of deferred) {
        const { edges } = await this.malEdges(id, full);
        await storing(
          () => `MAL data of anime ${id}`,
          async () => {
            if (edges.length > 0) this.counts.malRelations += (await this.deps.store.relations.upsertMany(edges)).stored;
            await this.deps.store.anime.setMal(id, full.info);
          },
        );
      }
    } catch (error) {
      this.error ??= error;
    }
  }

  private async enrich(id: number): Promise<void> {
    const { store, jikan, clock } = this.deps;
    const anime = await store.anime.get(id).catch((error: unknown) => {
      this.error ??= error;
      return undefined;
    });
    if (!anime || anime.idMal === null) return this.count();
    let full: JikanFull | null;
    try {
      full = await jikan.fetchFull(anime.idMal, { signal: this.options.signal, priority: 'background', tally: this.options.tally });
    } catch (error) {
      if (this.options.signal?.aborted) {
        this.cutShort = true;
        return;
      }
      if (!(error instanceof UpstreamError)) {
        this.error ??= error;
        return;
      }
      return this.failed(anime, error);
    }
    try {
      const fetched = full;
      await storing(
        () => `MAL data of anime ${id} (MAL ${anime.idMal})`,
        async () => {
          if (fetched === null) {
            await store.anime.setMal(id, { score: null, rank: null, members: null, rating: null, status: 'missing', fetchedAt: clock.now() });
            this.counts.missing++;
            return;
          }
          const { edges, unresolved } = await this.malEdges(id, fetched);
          if (edges.length > 0) this.counts.malRelations += (await store.relations.upsertMany(edges)).stored;
          if (unresolved && !this.closed) {
            // Shown at once, but stored as fetched long ago: a crash before finishDeferred
            // leaves it stale, so the next run fetches it again instead of losing those edges.
            await store.anime.setMal(id, { ...fetched.info, fetchedAt: 0 });
            this.deferred.push({ id, full: fetched });
          } else {
            await store.anime.setMal(id, fetched.info);
          }
          this.counts.enriched++;
        },
      );
      this.failures.delete(id);
      this.options.listener?.entries?.([id]);
      this.count();
    } catch (error) {
      this.error ??= error;
    }
  }

  private async failed(anime: StoredAnime, error: UpstreamError): Promise<void> {
    const round = (this.attempts.get(anime.id) ?? 0) + 1;
    this.attempts.set(anime.id, round);
    if (round <= (this.options.retryRounds ?? 1)) {
      this.pendingOffers++;
      void this.deps.clock
        .sleep((this.options.retryDelayMs ?? 5_000) * round, this.options.signal)
        .then(
          () => this.queue.push(anime.id),
          // Only the signal ends the wait early: the entry is work left undone.
          () => {
            this.cutShort = true;
          },
        )
        .finally(() => {
          this.pendingOffers--;
          this.pump();
        });
      return;
    }
    const failure: EntryFailure = { id: anime.id, idMal: anime.idMal, upstream: 'jikan', status: error.status, message: error.message };
    this.failures.set(anime.id, failure);
    this.options.listener?.failure?.(failure);
    // Keep what an earlier fetch stored; the failed status makes the next run try again.
    const before: MalInfo = anime.mal ?? { score: null, rank: null, members: null, rating: null, status: 'failed', fetchedAt: 0 };
    try {
      await this.deps.store.anime.setMal(anime.id, { ...before, status: 'failed', fetchedAt: this.deps.clock.now() });
    } catch (storeError) {
      this.error ??= storeError;
    }
    this.count();
  }

  /**
   * MAL's edges of one entry as AniList ids, over stored anime (MAL links to anime outside
   * the franchise and to entries AniList lacks, which have no AniList id to point at).
   * `unresolved`: some MAL id had no stored anime.
   */
  private async malEdges(id: number, full: JikanFull): Promise<{ edges: Relation[]; unresolved: boolean }> {
    const edges: Relation[] = [];
    let unresolved = false;
    for (const relation of full.relations) {
      let to = this.malToAniList.get(relation.toMal);
      if (to === undefined) {
        to = (await this.deps.store.anime.findByMalId(relation.toMal))?.id;
        if (to !== undefined) this.malToAniList.set(relation.toMal, to);
      }
      if (to === undefined) unresolved = true;
      else if (to !== id) edges.push({ from: id, to, type: relation.type, source: 'mal' });
    }
    return { edges, unresolved };
  }

  private count(): void {
    this.counts.finished++;
    this.options.listener?.progress?.({ done: this.counts.finished, total: this.counts.total, failed: this.failures.size });
  }
}
