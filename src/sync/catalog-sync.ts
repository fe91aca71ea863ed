import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { AniListClient, AniListEntry, CatalogFilter, CatalogPage } from '../upstream/anilist/anilist-client.ts';
import type { RequestTally } from '../upstream/http/upstream-http.ts';
import { CATALOG_SYNC, parseSyncState, type RunState, type SyncState, type UndatedGroup } from './sync-state.ts';

/** AniList answers at most 50 media per page. */
const PER_PAGE = 50;
/** Every MediaStatus: the undated entries are nearly all NOT_YET_RELEASED, a group with few dated ones. */
const STATUSES = ['FINISHED', 'RELEASING', 'NOT_YET_RELEASED', 'CANCELLED', 'HIATUS'] as const;
/**
 * AniList's genres (its GenreCollection, stable for years): `genre_in` and `genre_not_in`
 * cut the catalog in two with nothing lost, which no date, status or format filter does
 * (a missing value matches no comparison).
 */
const GENRES = [
  'Action', 'Adventure', 'Comedy', 'Drama', 'Ecchi', 'Fantasy', 'Hentai', 'Horror', 'Mahou Shoujo', 'Mecha',
  'Music', 'Mystery', 'Psychological', 'Romance', 'Sci-Fi', 'Slice of Life', 'Sports', 'Supernatural', 'Thriller',
] as const;
const BY_START_DATE = ['START_DATE', 'ID'];
const BY_UPDATED_DESC = ['UPDATED_AT_DESC', 'ID'];

export interface CatalogSyncDeps {
  store: Store;
  anilist: Pick<AniListClient, 'fetchCatalogPage'>;
  clock: Clock;
  logger: Logger;
}

export interface CatalogSyncOptions {
  /**
   * Most results one AniList filter yields (its documented 5,000). Pages starting past it
   * are refused, so no request goes there; a smaller real cap only costs a refused page.
   */
  resultCap?: number;
  /**
   * How far below the stored high-water mark an incremental run still reads, seconds:
   * entries edited in the same second as the newest one seen last time. Default 300.
   */
  overlapSeconds?: number;
  /**
   * Pages requested ahead of the one being stored, 0-3. Default 2: with AniList's round trip
   * (300 ms or more) three in flight keep a 270/min gate busy; the gate paces them anyway, and
   * a window's end wastes at most this many.
   */
  lookahead?: number;
}

export interface SyncRunOptions {
  /** A complete pass that also marks entries AniList no longer has. Default: only when no full pass completed yet. */
  full?: boolean;
  signal?: AbortSignal;
  tally?: RequestTally;
  onProgress?(progress: SyncProgress): void;
}

export interface SyncProgress {
  kind: 'full' | 'incremental';
  phase: RunState['phase'];
  /** Requests and entries stored by this run (across restarts of it). */
  requests: number;
  stored: number;
  /** Dated phase: the start year reached. */
  year: number | null;
}

export interface SyncSummary {
  kind: 'full' | 'incremental';
  /** False when the run was interrupted (its state is kept; the next run resumes it). */
  completed: boolean;
  /** True when this call continued a run an earlier process left unfinished. */
  resumed: boolean;
  /** Requests and entries stored by the run (including earlier processes' share when resumed). */
  requests: number;
  stored: number;
  /** Entries newly marked removed (full passes only). */
  removed: number;
  /** Entries the catalog holds now (stored, not removed). */
  entries: number;
  /** The high-water mark now, unix seconds. */
  highWater: number | null;
  durationMs: number;
  /** Genre groups whose undated entries could not be reached under the result cap. */
  unreachable: string[];
}

class Stopped extends Error {}

/**
 * Mirrors AniList's anime catalog into the store. A full pass reads the newest `updatedAt`
 * (the high-water mark) and then every dated entry in start-date order, as a chain of
 * windows `startDate > from` each paged until AniList's result cap, the next window starting
 * at the last start date stored (its entries already stored skipped): about one request per
 * 50 entries whatever the cap, and no count is trusted but `hasNextPage`. Entries without a
 * start date sort last in any filter, so the catalog is cut by status, and by genres where
 * a status has more dated entries than the cap (counted in the store), and each group is read
 * from the page where its dated entries end (and once more by descending id, when its undated
 * tail runs past the cap). An incremental run reads
 * by `updatedAt` descending down to the mark (minus an overlap). Every page is stored with
 * the cursor in one transaction, so a kill loses at most the pages in flight and a rerun
 * continues from the cursor.
 */
export class CatalogSync {
  private readonly cap: number;
  private readonly overlap: number;
  private readonly lookahead: number;

  constructor(
    private readonly deps: CatalogSyncDeps,
    options: CatalogSyncOptions = {},
  ) {
    this.cap = options.resultCap ?? 5_000;
    this.overlap = options.overlapSeconds ?? 300;
    this.lookahead = options.lookahead ?? 2;
    if (!Number.isInteger(this.cap) || this.cap < PER_PAGE) throw new TypeError(`Expected \`resultCap\` to be an integer >= ${PER_PAGE}, got \`${this.cap}\``);
    if (!Number.isInteger(this.lookahead) || this.lookahead < 0 || this.lookahead > 3) throw new TypeError(`Expected \`lookahead\` to be an integer from 0 to 3, got \`${this.lookahead}\``);
  }

  /** The stored state (what /api/catalog and the scheduler read). */
  async state(): Promise<SyncState> {
    return parseSyncState((await this.deps.store.catalog.readSync(CATALOG_SYNC))?.state);
  }

  async run(options: SyncRunOptions = {}): Promise<SyncSummary> {
    const started = this.deps.clock.now();
    const state = await this.state();
    const wantFull = options.full === true || state.fullDoneAt === null;
    let resumed = false;
    if (state.run && (state.run.kind === 'full' || !wantFull)) {
      resumed = true;
    } else {
      state.run = newRun(wantFull ? 'full' : 'incremental', started);
      if (wantFull) state.pass++;
    }
    const run = state.run;
    const log = this.deps.logger.child({ sync: run.kind, pass: state.pass });
    log.info({ resumed, phase: run.phase, requests: run.requests, stored: run.stored }, resumed ? 'catalog sync resumes' : 'catalog sync starts');
    await this.save(state);
    const ctx: RunContext = { state, run, options, unreachable: [] };
    let removed = 0;
    try {
      if (run.kind === 'incremental') {
        const fellBack = await this.incremental(ctx);
        if (fellBack) {
          log.warn('more entries changed than one filter can page through: a full pass follows');
          state.run = newRun('full', this.deps.clock.now());
          state.pass++;
          await this.save(state);
          return await this.run({ ...options, full: true });
        }
      } else {
        if (run.phase === 'mark') await this.markPhase(ctx);
        if (run.phase === 'dated') await this.datedPhase(ctx);
        if (run.phase === 'undated') await this.undatedPhase(ctx);
        removed = await this.deps.store.catalog.markUnseenRemoved(state.pass, this.deps.clock.now());
        state.highWater = run.mark;
        state.fullDoneAt = this.deps.clock.now();
      }
    } catch (error) {
      if (!(error instanceof Stopped) && !options.signal?.aborted) throw error;
      log.info({ phase: run.phase, requests: run.requests, stored: run.stored }, 'catalog sync interrupted; the next run resumes it');
      return this.summary(ctx, false, resumed, removed, started);
    }
    state.syncedAt = this.deps.clock.now();
    state.run = null;
    await this.save(state);
    const summary = await this.summary(ctx, true, resumed, removed, started);
    log.info({ ...summary }, 'catalog sync done');
    return summary;
  }

  private async summary(ctx: RunContext, completed: boolean, resumed: boolean, removed: number, started: number): Promise<SyncSummary> {
    const counts = await this.deps.store.catalog.counts();
    return {
      kind: ctx.run.kind,
      completed,
      resumed,
      requests: ctx.run.requests,
      stored: ctx.run.stored,
      removed,
      entries: counts.entries,
      highWater: ctx.state.highWater,
      durationMs: this.deps.clock.now() - started,
      unreachable: ctx.unreachable,
    };
  }

  /** The newest `updatedAt`, before anything else is read: an edit during the pass is newer, so the next incremental run takes it in. */
  private async markPhase(ctx: RunContext): Promise<void> {
    const page = await this.fetch(ctx, { sort: BY_UPDATED_DESC }, 1);
    const newest = Math.max(0, ...page.entries.map((e) => e.anime.updatedAt ?? 0));
    ctx.run.mark = newest > 0 ? newest : null;
    ctx.run.phase = 'dated';
    await this.storePage(ctx, page.entries);
  }

  private async datedPhase(ctx: RunContext): Promise<void> {
    const { run } = ctx;
    for (;;) {
      const from = run.from;
      const skip = new Set(run.seenAtFrom);
      let pageFull = false;
      let fresh = 0;
      let last: CatalogPage | null = null;
      for await (const page of this.pages(ctx, { sort: BY_START_DATE, startDateGreater: from - 1 }, 1)) {
        last = page;
        pageFull = page.entries.length === PER_PAGE;
        const entries = page.entries.filter((e) => !skip.has(e.anime.id));
        fresh += entries.length;
        this.advanceFrom(run, page.entries);
        await this.storePage(ctx, entries);
      }
      // A window ends at the cap with a full last page (hasNextPage turns false there even
      // when more match): the next one starts at the last start date stored. A short page
      // is the end of the dated catalog.
      if (!last || !pageFull) break;
      if (fresh === 0) {
        // A whole window of entries starting on one day, all stored: step past that day.
        this.deps.logger.warn({ from }, 'a start-date window held nothing new; stepping past its date');
        run.from = from + 1;
        run.seenAtFrom = [];
      }
    }
    run.phase = 'undated';
    run.groups = STATUSES.map((status) => ({ status, genreIn: [], genreNotIn: [], next: null, maxId: 0 }));
    await this.save(ctx.state);
  }

  /** Moves the window's lower bound to the last start date of a page, remembering the entries on it. */
  private advanceFrom(run: RunState, entries: AniListEntry[]): void {
    for (const { anime } of entries) {
      const date = fuzzyDateInt(anime.startDate);
      if (date === null) continue;
      if (date > run.from) {
        run.from = date;
        run.seenAtFrom = [anime.id];
      } else if (date === run.from && !run.seenAtFrom.includes(anime.id)) {
        run.seenAtFrom.push(anime.id);
      }
    }
  }

  private async undatedPhase(ctx: RunContext): Promise<void> {
    const { run, state } = ctx;
    const lastPage = Math.floor(this.cap / PER_PAGE);
    while (run.groups.length > 0) {
      const group = run.groups[0]!;
      if (group.next === null) {
        // Dated entries sort first: the undated ones begin where the group's dated ones end.
        const dated = await this.deps.store.catalog.datedCount(state.pass, group);
        if (Math.floor(dated / PER_PAGE) + 1 > lastPage) {
          run.groups.shift();
          const halves = group.descending ? null : await this.split(state.pass, group, dated);
          if (halves) run.groups.unshift(...halves);
          else this.unreachable(ctx, group, 'more dated entries than AniList pages through, and no genre splits them');
          await this.save(state);
          continue;
        }
        group.next = await this.landing(ctx, group, Math.floor(dated / PER_PAGE) + 1);
      }
      let full = false;
      let met = false;
      let last = group.next - 1;
      if (group.next <= lastPage) {
        // Groups are a page or two past their landing page: asking ahead would mostly waste.
        for await (const page of this.pages(ctx, groupFilter(group), group.next, 0)) {
          last = group.next++;
          full = page.entries.length === PER_PAGE;
          const entries = undated(page.entries);
          // Read from the other end, the group stops where the first reading stopped.
          met = group.descending === true && entries.some((e) => e.anime.id <= group.maxId);
          await this.storePage(ctx, this.track(group, entries));
          if (met) break;
        }
      }
      run.groups.shift();
      if (last >= lastPage && full && !met) {
        // More entries than the cap in this group: read its undated tail again from the other end (ids descending).
        if (group.descending) this.unreachable(ctx, group, 'more undated entries than the cap reaches from both ends');
        else run.groups.unshift({ ...group, descending: true, next: null });
      }
      await this.save(state);
    }
  }

  /**
   * The first page of a group's undated entries: the page after its dated ones, per the
   * store's count. The count may be off (a change since), so the page must start among dated
   * entries, else the one before is read: no undated entry is skipped. Answers the next page.
   */
  private async landing(ctx: RunContext, group: UndatedGroup, page: number): Promise<number> {
    for (;;) {
      const answer = await this.fetch(ctx, groupFilter(group), page);
      const first = answer.entries[0];
      if (page > 1 && (first === undefined || fuzzyDateInt(first.anime.startDate) === null)) {
        page--;
        continue;
      }
      const entries = undated(answer.entries);
      await this.storePage(ctx, this.track(group, entries));
      if (group.descending && entries.some((e) => e.anime.id <= group.maxId)) return Number.MAX_SAFE_INTEGER;
      return answer.hasNextPage ? page + 1 : Number.MAX_SAFE_INTEGER;
    }
  }

  /** Keeps the highest undated id read ascending; read descending, only entries above it are new. */
  private track(group: UndatedGroup, entries: AniListEntry[]): AniListEntry[] {
    if (group.descending) return entries.filter((e) => e.anime.id > group.maxId);
    for (const e of entries) group.maxId = Math.max(group.maxId, e.anime.id);
    return entries;
  }

  private unreachable(ctx: RunContext, group: UndatedGroup, why: string): void {
    ctx.unreachable.push(describe(group));
    this.deps.logger.warn({ group }, `undated entries not reached in a group: ${why}`);
  }

  /**
   * Two groups that together hold `group`'s entries, cut by the genre that halves its dated
   * entries best (with it, and without it: an entry without genres falls in the second),
   * or null when no genre cuts it. Counted in the store, so splitting costs no request.
   */
  private async split(pass: number, group: UndatedGroup, dated: number): Promise<UndatedGroup[] | null> {
    let best: { genre: string; gap: number } | null = null;
    for (const genre of GENRES) {
      if (group.genreIn.includes(genre) || group.genreNotIn.includes(genre)) continue;
      const withIt = await this.deps.store.catalog.datedCount(pass, { status: group.status, genreIn: [...group.genreIn, genre], genreNotIn: group.genreNotIn });
      if (withIt === 0 || withIt === dated) continue;
      const gap = Math.abs(dated / 2 - withIt);
      if (!best || gap < best.gap) best = { genre, gap };
    }
    if (!best) return null;
    return [
      { status: group.status, genreIn: [...group.genreIn, best.genre], genreNotIn: group.genreNotIn, next: null, maxId: 0 },
      { status: group.status, genreIn: group.genreIn, genreNotIn: [...group.genreNotIn, best.genre], next: null, maxId: 0 },
    ];
  }

  /** Reads by `updatedAt` descending down to the mark; true when the changes outnumber what one filter can page through. */
  private async incremental(ctx: RunContext): Promise<boolean> {
    const { state } = ctx;
    const floor = (state.highWater ?? 0) - this.overlap;
    let newest = state.highWater ?? 0;
    const lastPage = Math.floor(this.cap / PER_PAGE);
    for (let page = 1; page <= lastPage; page++) {
      const answer = await this.fetch(ctx, { sort: BY_UPDATED_DESC }, page);
      const changed = answer.entries.filter((e) => (e.anime.updatedAt ?? 0) >= floor);
      for (const e of changed) newest = Math.max(newest, e.anime.updatedAt ?? 0);
      await this.storePage(ctx, changed);
      if (changed.length < answer.entries.length || !answer.hasNextPage) {
        if (changed.length === answer.entries.length && page === lastPage) return true;
        state.highWater = newest;
        return false;
      }
    }
    return true;
  }

  /** Pages of one filter from `start` until hasNextPage turns false or the cap, `lookahead` of them requested ahead. */
  private async *pages(ctx: RunContext, filter: CatalogFilter, start: number, lookahead = this.lookahead): AsyncGenerator<CatalogPage> {
    const lastPage = Math.floor(this.cap / PER_PAGE);
    const ahead: Promise<CatalogPage>[] = [];
    let requested = start - 1;
    const fill = () => {
      while (ahead.length <= lookahead && requested < lastPage) {
        const promise = this.fetch(ctx, filter, ++requested);
        // Handled when its turn comes; a page asked for ahead and not needed is dropped.
        promise.catch(() => undefined);
        ahead.push(promise);
      }
    };
    fill();
    while (ahead.length > 0) {
      const page = await ahead.shift()!;
      yield page;
      if (!page.hasNextPage) return;
      fill();
    }
  }

  private async fetch(ctx: RunContext, filter: CatalogFilter, page: number): Promise<CatalogPage> {
    if (ctx.options.signal?.aborted) throw new Stopped();
    ctx.run.requests++;
    const answer = await this.deps.anilist.fetchCatalogPage(filter, page, { signal: ctx.options.signal, priority: 'background', tally: ctx.options.tally });
    if (answer.broken.length > 0) this.deps.logger.warn({ ids: answer.broken, page, filter }, 'catalog entries of an unexpected shape were skipped');
    return answer;
  }

  /** Stores a page's entries with the cursor in one transaction. */
  private async storePage(ctx: RunContext, entries: AniListEntry[]): Promise<void> {
    const { state, run } = ctx;
    run.stored += entries.length;
    await this.deps.store.transaction(async (tx) => {
      if (entries.length > 0) {
        await tx.saveBatch(
          entries.map((e) => e.anime),
          entries.flatMap((e) => e.relations),
        );
        await tx.catalog.markSeen(
          entries.map((e) => e.anime.id),
          state.pass,
        );
      }
      await tx.catalog.writeSync(CATALOG_SYNC, state, this.deps.clock.now());
    });
    const year = run.phase === 'dated' ? Math.floor(run.from / 10_000) || null : null;
    ctx.options.onProgress?.({ kind: run.kind, phase: run.phase, requests: run.requests, stored: run.stored, year });
  }

  private async save(state: SyncState): Promise<void> {
    await this.deps.store.catalog.writeSync(CATALOG_SYNC, state, this.deps.clock.now());
  }
}

interface RunContext {
  state: SyncState;
  run: RunState;
  options: SyncRunOptions;
  unreachable: string[];
}

function newRun(kind: 'full' | 'incremental', startedAt: number): RunState {
  return {
    kind,
    startedAt,
    phase: kind === 'full' ? 'mark' : 'incremental',
    mark: null,
    from: 1,
    seenAtFrom: [],
    groups: [],
    requests: 0,
    stored: 0,
  };
}

function groupFilter(group: UndatedGroup): CatalogFilter {
  return { sort: group.descending ? ['START_DATE', 'ID_DESC'] : BY_START_DATE, status: group.status, genreIn: group.genreIn, genreNotIn: group.genreNotIn };
}

function undated(entries: AniListEntry[]): AniListEntry[] {
  return entries.filter((e) => fuzzyDateInt(e.anime.startDate) === null);
}

function describe(group: UndatedGroup): string {
  return [group.status, ...group.genreIn.map((g) => `+${g}`), ...group.genreNotIn.map((g) => `-${g}`)].join(' ');
}

/** AniList's FuzzyDateInt (YYYYMMDD, 0 for unknown parts), or null for no start date at all. */
export function fuzzyDateInt(date: { year: number | null; month: number | null; day: number | null }): number | null {
  if (date.year === null && date.month === null && date.day === null) return null;
  return (date.year ?? 0) * 10_000 + (date.month ?? 0) * 100 + (date.day ?? 0);
}
