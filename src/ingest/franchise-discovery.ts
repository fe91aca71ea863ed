import type { Clock } from '../clock.ts';
import type { FranchisePolicy } from '../domain/franchise-policy.ts';
import { createFranchiseWalk, type FranchiseWalk, type WalkEntry } from '../domain/franchise-walk.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { AniListClient, AniListEntry, FetchMediaResult, NestedEntry } from '../upstream/anilist/anilist-client.ts';
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
  /** Entries walked first from a nested node of another's answer (ANILIST_RELATION_DEPTH 2 or more). */
  walkedNested: number;
  /** Of those, entries the walk needed that came without their full record: each asked by id afterwards. */
  completedByRequest: number;
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
 *
 * With ANILIST_RELATION_DEPTH above 1 each answer also carries the entries' neighbours (and
 * further levels) as nested nodes with their own edges: the walk takes them in at once, so
 * a round trip advances it that many levels. Such a node is walked like a fetched entry
 * (its edges, plus the stored edges pointing at it), but stored only once the walk proves to
 * need it (a member, or an entry a member is judged by): from its full record when the node
 * came with one (the first nested level), by a request of its own otherwise. See
 * docs/discovery.md.
 */
export function discoverFranchise(rootId: number, deps: DiscoveryDeps, options: DiscoveryOptions): Promise<DiscoveryResult> {
  return new Discovery(rootId, deps, options).run();
}

class Discovery {
  private readonly walk: FranchiseWalk;
  private readonly signal: AbortSignal | undefined;
  private readonly retryRounds: number;
  /** Whether a fresh synced catalog answers alone, asked once: one run never mixes the two ways. */
  private mirrored: Promise<boolean> | undefined;
  private readonly retryDelayMs: number;
  /** Ids waiting to be sent to AniList. */
  private readonly queue: number[] = [];
  /** Ids the walk has its edges for (fetched, reused, or given up on). */
  private readonly visited = new Set<number>();
  /** Ids ever queued for fetching: their full record is on its way, so nested copies are not needed. */
  private readonly asked = new Set<number>();
  /** Ids walked from a nested node only, not stored: completed if the walk proves to need them. */
  private readonly partial = new Set<number>();
  /** Full records that came as first-level nested nodes, stored if the walk proves to need them. */
  private readonly held = new Map<number, AniListEntry>();
  /** Partial ids the walk needs: queued for a request, or stored from `held`. */
  private readonly completing = new Set<number>();
  private walkedNested = 0;
  private completedByRequest = 0;
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
    const incomplete = this.walk.taken().filter((id) => this.partial.has(id) && !this.failures.has(id));
    if (!this.signal?.aborted && !this.error && incomplete.length > 0) this.deps.logger.error({ rootId: this.rootId, incomplete }, 'discovery ended with entries known only from nested nodes');
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
      walkedNested: this.walkedNested,
      completedByRequest: this.completedByRequest,
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
          // Entries wanted only for their full record: their edges are walked already.
          depth: ids.every((id) => this.completing.has(id)) ? 1 : undefined,
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
    const visits = await this.takeIn([...part.entries.values()]);
    for (const id of part.missing) {
      if (id === this.rootId) this.rootFound = false;
      else this.fail({ id, upstream: 'anilist', status: 404, message: 'AniList has no anime with this id' });
      // A node met nested keeps its walked edges; only its stored record is missing.
      if (this.partial.has(id)) this.visited.add(id);
      else visits.push([id, undefined]);
    }
    for (const { ids, error } of part.failed) {
      for (const id of ids) {
        const round = (this.attempts.get(id) ?? 0) + 1;
        this.attempts.set(id, round);
        if (round <= this.retryRounds && !this.signal?.aborted) {
          this.track(this.retryLater(id, round));
        } else {
          this.fail({ id, upstream: 'anilist', status: error.status, message: error.message });
          if (!this.partial.has(id)) visits.push([id, undefined]);
          else this.visited.add(id);
        }
      }
    }
    visits.push(...(await this.nestedVisits(part.nested)));
    await this.advance(visits);
  }

  /** Stores full records in one transaction and returns them as the walk should visit them. */
  private async takeIn(entries: AniListEntry[]): Promise<[number, WalkEntry | undefined][]> {
    if (entries.length === 0) return [];
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
    for (const id of ids) {
      this.partial.delete(id);
      this.held.delete(id);
    }
    this.options.listener?.entries?.(ids, 'fetched');
    // Read back from the store rather than taken from the answer: the stored view adds what
    // entries stored earlier say about these (one-way edges into the franchise).
    const stored = await storedWalkEntries(this.deps.store, ids);
    return ids.map((id) => [id, stored.get(id)]);
  }

  /**
   * Nested nodes as the walk should visit them, those not walked yet and not on their way in
   * full: one fresh in the store over its stored edges (as examine() would), any other over
   * its own edges plus the stored edges pointing at it, which is what its stored view would
   * give once fetched. The walk's result depends only on what it visits, never on when.
   */
  private async nestedVisits(nested: Map<number, NestedEntry>): Promise<[number, WalkEntry | undefined][]> {
    const nodes = [...nested.values()].filter((n) => !this.visited.has(n.id) && !this.asked.has(n.id) && !this.partial.has(n.id));
    if (nodes.length === 0) return [];
    const ids = nodes.map((n) => n.id);
    const stale = new Set(await this.deps.store.anime.staleIds(ids, this.deps.clock.now()));
    const fresh = ids.filter((id) => !stale.has(id));
    const visits: [number, WalkEntry | undefined][] = [];
    if (fresh.length > 0) {
      const stored = await storedWalkEntries(this.deps.store, fresh);
      this.reused += fresh.length;
      this.options.listener?.entries?.(fresh, 'stored');
      for (const id of fresh) visits.push([id, stored.get(id)]);
    }
    const walked = nodes.filter((n) => stale.has(n.id));
    if (walked.length === 0) return visits;
    const into = await this.deps.store.relations.listTo(walked.map((n) => n.id));
    for (const node of walked) {
      this.partial.add(node.id);
      if (node.entry) this.held.set(node.id, node.entry);
      const edges = [...node.relations, ...into.filter((edge) => edge.to === node.id)];
      visits.push([node.id, { edges, titles: node.titles, format: node.format, startDate: node.startDate }]);
    }
    this.walkedNested += walked.length;
    return visits;
  }

  /**
   * Visits, queues what the walk wants next, and completes the nested-only entries it needs
   * (members, and the entries it judges them by): the store ends as a walk fetching each
   * entry would leave it, so the next run walks it without a request.
   */
  private async advance(visits: [number, WalkEntry | undefined][]): Promise<void> {
    await this.examine(this.visit(visits));
    const ready: AniListEntry[] = [];
    for (const id of this.walk.taken()) {
      if (!this.partial.has(id) || this.completing.has(id)) continue;
      this.completing.add(id);
      const entry = this.held.get(id);
      if (entry) ready.push(entry);
      else {
        this.completedByRequest++;
        this.enqueue(id);
      }
    }
    // Stored beside the next request rather than before it: the walk already has their edges.
    if (ready.length > 0) this.track(this.takeIn(ready).then((visits) => this.advance(visits)));
  }

  private enqueue(id: number): void {
    this.asked.add(id);
    this.queue.push(id);
  }

  private async retryLater(id: number, round: number): Promise<void> {
    await this.deps.clock.sleep(this.retryDelayMs * round, this.signal);
    this.queue.push(id);
  }

  private visit(visits: [number, WalkEntry | undefined][]): number[] {
    for (const [id] of visits) if (!this.partial.has(id)) this.visited.add(id);
    const next = visits.length > 0 ? this.walk.visitAll(visits) : [];
    this.report();
    return next;
  }

  /** Walks the ids fresh in the store over their stored edges and queues the rest for fetching. */
  private async examine(ids: number[]): Promise<void> {
    while (ids.length > 0 && !this.signal?.aborted) {
      const stale = new Set(await this.deps.store.anime.staleIds(ids, this.deps.clock.now()));
      if (stale.size > 0 && (await (this.mirrored ??= this.deps.mirror?.() ?? Promise.resolve(false)))) {
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
      for (const id of ids) if (stale.has(id)) this.enqueue(id);
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
    // Members walked with their full record (or given up on): entries fetched only to judge a
    // member by, and members known from a nested node alone, are not done.
    const members = this.walk.members();
    let done = 0;
    for (const id of members.keys()) if (this.visited.has(id)) done++;
    this.options.listener?.progress?.({ done, total: members.size, failed: this.failures.size });
  }
}

function isAbort(error: unknown): boolean {
  return (error instanceof UpstreamError && error.kind === 'aborted') || (error instanceof Error && error.name === 'AbortError');
}
