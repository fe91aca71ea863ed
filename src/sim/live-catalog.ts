import type { Catalog, CatalogMedia } from '../catalog/catalog.ts';
import { seededRandom, shuffleInPlace, stableFraction, stableHash, type Random } from './seeded-random.ts';
import { sourceWorks, type SourceWorks, type WorkEdge } from './source-works.ts';
import { indexTitles, searchTitles } from './title-search.ts';

/** The catalog was compiled in June 2026: no entry's own updatedAt is later than this (unix seconds). */
const COMPILED_AT = Date.UTC(2026, 6, 1) / 1000;
/** AniList's v2 database dates from about here; older entries have been touched at some point since. */
const EARLIEST_UPDATE = Date.UTC(2017, 0, 1) / 1000;
const DAY = 86_400;
const SYNTHETIC_WORK = 'a synthetic source work; the simulator changes anime only';

export interface LiveCatalogOptions {
  /** Seeds each entry's updatedAt, which entries start unpublished and which entries a counted edit picks. */
  seed: number;
  /** Entries held back at the start, picked by the seed; an edit naming them (or `publish`) adds them. */
  unpublished: number;
}

/** What one edit, removal or restore did to one entry; a batch answers one per id. */
export type ChangeResult =
  | { id: number; ok: true; change: 'edited' | 'published' | 'removed' | 'restored'; updatedAt: number | null; averageScore?: number | null; synonyms?: string[] }
  | { id: number; ok: false; error: string };

export interface ChangeSummary {
  results: ChangeResult[];
  /** Visible entries whose relations gained a published entry, so their updatedAt moved too. */
  touched: number[];
}

/**
 * AniList's catalog as it stands now: the offline catalog minus entries not yet published or
 * removed, with edits on top, plus the synthetic source works (manga and novels, see
 * source-works.ts), which are always there and never change. Removed and unpublished entries
 * vanish from every answer, other entries' relations included, as if AniList never had them. The
 * Catalog itself is shared (and cached per process), so it is never mutated.
 */
export class LiveCatalog {
  private readonly baseline = new Map<number, number>();
  /** Entries not yet published, in the order `publish` releases them. */
  private unpublished: number[] = [];
  private readonly hidden = new Set<number>();
  private readonly removed = new Set<number>();
  /** Edited copies by id, and their updatedAt (also set for published and restored entries). */
  private readonly edited = new Map<number, CatalogMedia>();
  private readonly stamped = new Map<number, number>();
  /** Synonyms added by edits, so search finds what the answers show. */
  private addedTitles = new Map<string, number[]>();
  private picks: Random;
  private readonly newestBaseline: number = 0;
  private newest = 0;
  /** Bumped by every change, so caches of answers know when they are stale. */
  private changes = 0;
  /** Entries that list an id among their relations, built on the first publish. */
  private pointedAtBy: Map<number, number[]> | null = null;
  /** The manga and novels the anime adapt; AniList lists them beside the anime. */
  readonly works: SourceWorks;
  private readonly workTitles: Map<string, number[]>;

  constructor(
    private readonly catalog: Catalog,
    private readonly options: LiveCatalogOptions,
  ) {
    this.works = sourceWorks(catalog);
    for (const media of [...catalog.media.values(), ...this.works.works.values()]) {
      const at = baselineUpdatedAt(media, options.seed);
      this.baseline.set(media.id, at);
      this.newestBaseline = Math.max(this.newestBaseline, at);
    }
    this.workTitles = indexTitles([...this.works.works.values()].map((w) => ({ id: w.id, titles: [w.title.romaji, w.title.english, w.title.native] })));
    this.picks = seededRandom(stableHash(options.seed, 'catalog-changes'));
    this.reset();
  }

  get version(): number {
    return this.changes;
  }

  /** Back to the start: every edit, removal and publication undone, the same entries held back. */
  reset(): void {
    this.removed.clear();
    this.edited.clear();
    this.stamped.clear();
    this.addedTitles = new Map();
    this.newest = this.newestBaseline;
    this.picks = seededRandom(stableHash(this.options.seed, 'catalog-changes'));
    const order = seededRandom(stableHash(this.options.seed, 'unpublished'));
    this.unpublished = pickDistinct([...this.catalog.media.keys()].sort((a, b) => a - b), this.options.unpublished, order);
    this.hidden.clear();
    for (const id of this.unpublished) this.hidden.add(id);
    this.changes++;
  }

  isVisible(id: number): boolean {
    return this.works.works.has(id) || (this.catalog.media.has(id) && !this.hidden.has(id) && !this.removed.has(id));
  }

  /** The entry as AniList answers it now, or undefined when AniList does not have it. */
  get(id: number): CatalogMedia | undefined {
    if (!this.isVisible(id)) return undefined;
    return this.works.works.get(id) ?? this.edited.get(id) ?? this.catalog.media.get(id);
  }

  /** Entries with this MAL id: an anime and a manga may share one, as MAL numbers them apart. */
  getByMal(idMal: number): CatalogMedia[] {
    const media = this.catalog.mediaByMalId.get(idMal);
    const anime = media && this.get(media.id);
    const work = this.works.byMalId.get(idMal);
    return [...(anime ? [anime] : []), ...(work ? [work] : [])];
  }

  /** Every visible anime, then every source work. */
  *visible(): Iterable<CatalogMedia> {
    for (const media of this.catalog.media.values()) {
      if (this.isVisible(media.id)) yield this.edited.get(media.id) ?? media;
    }
    yield* this.works.works.values();
  }

  /** The entry's relations as AniList lists them: the catalog's, then its edges to source works (targets may be hidden). */
  relationsOf(media: CatalogMedia): readonly WorkEdge[] {
    const added = this.works.edgesFrom(media.id);
    return added.length === 0 ? media.relations : [...media.relations, ...added];
  }

  /** Unix seconds of the entry's last change. */
  updatedAt(id: number): number | null {
    return this.stamped.get(id) ?? this.baseline.get(id) ?? null;
  }

  /** Best match tier per visible id, over every title and synonym, those added by edits included. */
  searchTitles(query: string): Map<number, number> {
    const found = searchTitles(this.catalog.mediaByTitle, query);
    for (const index of [this.addedTitles, this.workTitles]) {
      for (const [id, tier] of searchTitles(index, query)) found.set(id, Math.max(tier, found.get(id) ?? 0));
    }
    for (const id of found.keys()) if (!this.isVisible(id)) found.delete(id);
    return found;
  }

  /**
   * Edits entries now: each named or picked entry gets a new updatedAt, a score moved by 1-3 points
   * (when it has one) and one more synonym. A named entry that is not yet published is published
   * instead; `publish` releases that many held-back entries in their seeded order.
   */
  edit(request: { ids?: number[]; count?: number; publish?: number }, nowMs: number): ChangeSummary {
    const at = this.stamp(nowMs);
    const touched = new Set<number>();
    const results: ChangeResult[] = [];
    const picked = request.count ? pickDistinct([...this.visibleIds()], request.count, this.picks) : [];
    for (const id of [...(request.ids ?? []), ...picked]) {
      if (this.works.works.has(id)) results.push({ id, ok: false, error: SYNTHETIC_WORK });
      else if (!this.catalog.media.has(id)) results.push({ id, ok: false, error: 'not in the catalog' });
      else if (this.removed.has(id)) results.push({ id, ok: false, error: 'removed; restore it first' });
      else if (this.hidden.has(id)) results.push(this.publish(id, at, touched));
      else results.push(this.editOne(id, at));
    }
    const waiting = this.unpublished.filter((id) => this.hidden.has(id));
    for (const id of waiting.slice(0, request.publish ?? 0)) results.push(this.publish(id, at, touched));
    this.addedTitles = indexTitles([...this.edited.values()].map((m) => ({ id: m.id, titles: m.synonyms.slice(this.catalog.media.get(m.id)!.synonyms.length) })));
    this.changes++;
    return { results, touched: [...touched].sort((a, b) => a - b) };
  }

  /** Removes entries (named, or `count` picked by the seed), as AniList deleting them would. */
  remove(request: { ids?: number[]; count?: number }): ChangeSummary {
    const picked = request.count ? pickDistinct([...this.visibleIds()], request.count, this.picks) : [];
    const results = [...(request.ids ?? []), ...picked].map((id): ChangeResult => {
      if (this.works.works.has(id)) return { id, ok: false, error: SYNTHETIC_WORK };
      if (!this.isVisible(id)) return { id, ok: false, error: this.catalog.media.has(id) ? 'not published or already removed' : 'not in the catalog' };
      this.removed.add(id);
      return { id, ok: true, change: 'removed', updatedAt: null };
    });
    this.changes++;
    return { results, touched: [] };
  }

  /** Brings removed entries back (all of them without ids), as changed now. */
  restore(request: { ids?: number[] }, nowMs: number): ChangeSummary {
    const at = this.stamp(nowMs);
    const results = (request.ids ?? [...this.removed].sort((a, b) => a - b)).map((id): ChangeResult => {
      if (!this.removed.has(id)) return { id, ok: false, error: 'not removed' };
      this.removed.delete(id);
      this.stamped.set(id, at);
      return { id, ok: true, change: 'restored', updatedAt: at };
    });
    this.changes++;
    return { results, touched: [] };
  }

  summary() {
    let visible = 0;
    for (const id of this.catalog.media.keys()) if (this.isVisible(id)) visible++;
    return {
      visible,
      unpublished: [...this.unpublished].filter((id) => this.hidden.has(id)),
      removed: [...this.removed].sort((a, b) => a - b),
      /** Visible entries whose updatedAt moved: edited, published, restored or touched by a publication. */
      changed: [...this.stamped.keys()].filter((id) => this.isVisible(id)).sort((a, b) => a - b),
      newestUpdatedAt: this.newest,
    };
  }

  private *visibleIds(): Iterable<number> {
    for (const id of this.catalog.media.keys()) if (this.isVisible(id)) yield id;
  }

  /** The simulator's now in unix seconds, never before an updatedAt already given out. */
  private stamp(nowMs: number): number {
    this.newest = Math.max(this.newest, Math.floor(nowMs / 1000));
    return this.newest;
  }

  private editOne(id: number, at: number): ChangeResult {
    const media = this.get(id)!;
    const edits = (this.editCount(id) ?? 0) + 1;
    let averageScore = media.averageScore;
    if (averageScore !== null) {
      const step = (1 + Math.floor(this.picks.next() * 3)) * (this.picks.next() < 0.5 ? -1 : 1);
      averageScore = averageScore + step >= 1 && averageScore + step <= 100 ? averageScore + step : averageScore - step;
    }
    const name = media.title.romaji ?? media.title.english ?? media.title.native ?? `#${id}`;
    const synonyms = [...media.synonyms, `${name} (edit ${edits})`];
    this.edited.set(id, { ...media, averageScore, synonyms });
    this.stamped.set(id, at);
    return { id, ok: true, change: 'edited', updatedAt: at, averageScore, synonyms };
  }

  private editCount(id: number): number | undefined {
    const edited = this.edited.get(id);
    return edited && edited.synonyms.length - this.catalog.media.get(id)!.synonyms.length;
  }

  private publish(id: number, at: number, touched: Set<number>): ChangeResult {
    if (!this.hidden.has(id)) return { id, ok: false, error: 'already published' };
    this.hidden.delete(id);
    this.stamped.set(id, at);
    // Linking a new entry is an edit of the entries it is linked from: their relations now show it.
    this.pointedAtBy ??= reverseRelations(this.catalog);
    for (const source of this.pointedAtBy.get(id) ?? []) {
      if (!this.isVisible(source)) continue;
      this.stamped.set(source, at);
      touched.add(source);
    }
    return { id, ok: true, change: 'published', updatedAt: at };
  }
}

/**
 * A stable updatedAt per entry between when AniList could first have touched it and the catalog's
 * compilation, skewed towards recent (data editors keep revisiting entries); airing and announced
 * entries were touched within the last two months.
 */
function baselineUpdatedAt(media: CatalogMedia, seed: number): number {
  const start = media.startDate?.year == null ? null : Date.UTC(media.startDate.year, (media.startDate.month ?? 1) - 1, media.startDate.day ?? 1) / 1000;
  let from = Math.max(EARLIEST_UPDATE, start ?? EARLIEST_UPDATE);
  if (media.status === 'RELEASING' || media.status === 'NOT_YET_RELEASED') from = Math.max(from, COMPILED_AT - 60 * DAY);
  const f = stableFraction(seed, 'updatedAt', media.id);
  if (from >= COMPILED_AT) return COMPILED_AT - Math.floor(f * 30 * DAY);
  return Math.floor(from + Math.sqrt(f) * (COMPILED_AT - from));
}

/** `count` distinct items of `items` (all when count exceeds them), picked by `random`. */
function pickDistinct(items: number[], count: number, random: Random): number[] {
  return shuffleInPlace([...items], random).slice(0, count);
}

function reverseRelations(catalog: Catalog): Map<number, number[]> {
  const pointing = new Map<number, number[]>();
  for (const media of catalog.media.values()) {
    for (const relation of media.relations) {
      const sources = pointing.get(relation.id);
      if (sources) sources.push(media.id);
      else pointing.set(relation.id, [media.id]);
    }
  }
  return pointing;
}
