import type { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../log.ts';
import { normaliseTitle } from '../../domain/title.ts';
import type { Priority } from '../gate/rate-gate.ts';
import type { HttpResult, RequestTally, UpstreamHttp } from '../http/upstream-http.ts';
import { UpstreamError } from '../upstream-error.ts';
import { toAniListEntry, toNestedEntry, type AniListEntry, type NestedEntry } from './anilist-mapping.ts';
import { CATALOG_PAGE, MAX_RELATION_DEPTH, MEDIA_BY_MAL_ID, MEDIA_SEARCH, mediaByIdsQuery } from './anilist-queries.ts';
import { anilistCatalogPageSchema, anilistMediaSchema, anilistPageSchema, anilistSingleSchema, anilistWalkNodeSchema } from './anilist-schema.ts';
import { chunk } from '../../chunk.ts';

export type { AniListEntry, NestedEntry };

export interface AniListCallOptions {
  signal?: AbortSignal;
  /** Default 'interactive'. */
  priority?: Priority;
  /** Counts this call's HTTP attempts for the caller (a job's own request figures). */
  tally?: RequestTally;
}

export interface FetchMediaResult {
  entries: Map<number, AniListEntry>;
  /** Asked for, but AniList does not know them (or they are not anime). */
  missing: number[];
  /** Gave up after retries; one item per HTTP batch. */
  failed: { ids: number[]; error: UpstreamError }[];
  /**
   * Anime met as nested nodes (relation depth 2 or more) and not among `entries`, each once
   * (the fullest record met wins). Nodes of the last level bring no edges and are left out.
   */
  nested: Map<number, NestedEntry>;
}

export interface FetchMediaOptions extends AniListCallOptions {
  /** Called as each HTTP batch returns, so a caller can queue new neighbours at once. */
  onBatch?: (result: FetchMediaResult) => void;
  /** Relation levels to ask, 1-3 (see mediaByIdsQuery). Default: the client's relationDepth. */
  depth?: number;
}

/** A filter over the whole anime catalog (the arguments `tsunagu sync` partitions it with). */
export interface CatalogFilter {
  sort: string[];
  /** FuzzyDateInt (YYYYMMDD, 0 for unknown parts): entries starting strictly after it. */
  startDateGreater?: number;
  status?: string;
  /** Entries with every one of these genres. */
  genreIn?: string[];
  /** Entries with none of these genres (entries without genres included). */
  genreNotIn?: string[];
}

export interface CatalogPage {
  entries: AniListEntry[];
  /** AniList's hasNextPage: the only pageInfo field that holds past its result cap. */
  hasNextPage: boolean;
  /** Items of the page that did not match the expected shape (named by id where they had one). */
  broken: number[];
}

export interface AniListClientOptions {
  http: UpstreamHttp;
  url: string;
  clock: Clock;
  logger: Logger;
  /** Ids per request, 1-50 (AniList clamps perPage to 50). Default 50. */
  batchSize?: number;
  /** Candidates a search returns, 1-50. Default 10. */
  searchLimit?: number;
  /** Relation levels a fetchMedia request asks, 1-3 (ANILIST_RELATION_DEPTH). Default 1. */
  relationDepth?: number;
}

/** The most ids AniList answers in one Page. */
export const MAX_BATCH = 50;

/** AniList's GraphQL API: batched media by id, search, lookup by MAL id; answers mapped to domain types. */
export class AniListClient {
  /** Ids per request; halved for good when AniList refuses a batch as too complex. */
  private batchSize: number;
  /** Relation levels fetchMedia asks unless a call says otherwise (see mediaByIdsQuery). */
  readonly relationDepth: number;

  constructor(private readonly options: AniListClientOptions) {
    const size = options.batchSize ?? MAX_BATCH;
    if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH) {
      throw new TypeError(`Expected \`batchSize\` to be an integer from 1 to ${MAX_BATCH}, got \`${size}\` (${typeof size})`);
    }
    this.batchSize = size;
    const depth = options.relationDepth ?? 1;
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_RELATION_DEPTH) {
      throw new TypeError(`Expected \`relationDepth\` to be an integer from 1 to ${MAX_RELATION_DEPTH}, got \`${depth}\` (${typeof depth})`);
    }
    this.relationDepth = depth;
  }

  /**
   * Fetches every id (duplicates ignored) in batches sent at once; the gate paces them.
   * Rejects only when cancelled; every other failure is reported per batch in `failed`.
   */
  async fetchMedia(ids: number[], options: FetchMediaOptions = {}): Promise<FetchMediaResult> {
    const total: FetchMediaResult = { entries: new Map(), missing: [], failed: [], nested: new Map() };
    const run = async (batch: number[]): Promise<void> => {
      let part: FetchMediaResult;
      try {
        part = await this.fetchBatch(batch, options);
      } catch (error) {
        if (!(error instanceof UpstreamError) || error.kind === 'aborted') throw error;
        if (isTooComplex(error) && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          this.batchSize = Math.min(this.batchSize, half);
          this.options.logger.warn({ upstream: 'anilist', ids: batch.length, batchSize: half }, 'AniList query too complex; halving the batch');
          await Promise.all([run(batch.slice(0, half)), run(batch.slice(half))]);
          return;
        }
        this.options.logger.warn({ upstream: 'anilist', ids: batch, status: error.status, kind: error.kind, attempts: error.attempts }, `AniList batch failed: ${error.message}`);
        part = { entries: new Map(), missing: [], failed: [{ ids: batch, error }], nested: new Map() };
      }
      for (const [id, entry] of part.entries) total.entries.set(id, entry);
      for (const [id, node] of part.nested) if (!total.nested.get(id)?.entry) total.nested.set(id, node);
      total.missing.push(...part.missing);
      total.failed.push(...part.failed);
      options.onBatch?.(part);
    };
    await Promise.all(chunk([...new Set(ids)], this.batchSize).map(run));
    return total;
  }

  /** Candidates in AniList's SEARCH_MATCH order; choosing among them is rankByTitle's job (src/domain/title-ranking.ts). */
  async search(title: string, options: AniListCallOptions = {}): Promise<AniListEntry[]> {
    const answer = await this.post(MEDIA_SEARCH, { search: title, perPage: this.options.searchLimit ?? 10 }, options);
    const page = this.parse(anilistPageSchema, answer, 'search');
    const fetchedAt = this.options.clock.now();
    return page.data.Page.media.flatMap((item) => {
      const media = anilistMediaSchema.safeParse(item);
      return media.success ? [toAniListEntry(media.data, fetchedAt)] : [];
    });
  }

  /** The anime AniList links to a MAL id, or null when there is none. */
  async fetchByMalId(malId: number, options: AniListCallOptions = {}): Promise<AniListEntry | null> {
    let answer: HttpResult;
    try {
      answer = await this.post(MEDIA_BY_MAL_ID, { idMal: malId }, options);
    } catch (error) {
      if (error instanceof UpstreamError && error.status === 404) return null;
      throw error;
    }
    const media = this.parse(anilistSingleSchema, answer, `MAL id ${malId}`).data.Media;
    if (media === null) return null;
    return toAniListEntry(this.parse(anilistMediaSchema, { ...answer, json: media }, `MAL id ${malId}`), this.options.clock.now());
  }

  /** One page (50 entries) of the catalog under `filter`. Throws UpstreamError when the request fails. */
  async fetchCatalogPage(filter: CatalogFilter, page: number, options: AniListCallOptions = {}): Promise<CatalogPage> {
    const variables = { page, perPage: MAX_BATCH, sort: filter.sort, startDate_greater: filter.startDateGreater, status: filter.status, genre_in: filter.genreIn, genre_not_in: filter.genreNotIn };
    const answer = await this.post(CATALOG_PAGE, variables, options);
    const parsed = this.parse(anilistCatalogPageSchema, answer, `catalog page ${page}`);
    const fetchedAt = this.options.clock.now();
    const entries: AniListEntry[] = [];
    const broken: number[] = [];
    for (const item of parsed.data.Page.media) {
      const media = anilistMediaSchema.safeParse(item);
      if (media.success) entries.push(toAniListEntry(media.data, fetchedAt));
      else broken.push(idOf(item) ?? 0);
    }
    return { entries, hasNextPage: parsed.data.Page.pageInfo?.hasNextPage === true, broken };
  }

  private async fetchBatch(ids: number[], options: FetchMediaOptions): Promise<FetchMediaResult> {
    const depth = options.depth ?? this.relationDepth;
    const answer = await this.post(mediaByIdsQuery(depth), { ids, perPage: MAX_BATCH }, options);
    const page = this.parse(anilistPageSchema, answer, `ids ${ids.join(',')}`);
    const result: FetchMediaResult = { entries: new Map(), missing: [], failed: [], nested: new Map() };
    const fetchedAt = this.options.clock.now();
    const wanted = new Set(ids);
    const broken: number[] = [];
    for (const item of page.data.Page.media) {
      const media = anilistMediaSchema.safeParse(item);
      const id = media.success ? media.data.id : idOf(item);
      if (id === null || !wanted.has(id)) continue;
      if (media.success) result.entries.set(id, toAniListEntry(media.data, fetchedAt));
      else broken.push(id);
    }
    if (broken.length > 0) {
      const error = this.parseError(`media ${broken.join(',')} did not match the expected shape`, answer.attempts);
      this.options.logger.warn({ upstream: 'anilist', ids: broken }, error.message);
      result.failed.push({ ids: broken, error });
    }
    result.missing = ids.filter((id) => !result.entries.has(id) && !broken.includes(id));
    if (depth > 1) {
      for (const item of page.data.Page.media) this.collectNested(item, 1, depth, fetchedAt, result);
      for (const id of result.entries.keys()) result.nested.delete(id);
    }
    return result;
  }

  /**
   * The nodes under an answered entry's edges, down to the last level that brings edges.
   * First-level nodes carry every stored field; deeper ones what the walk reads. A node of
   * the wrong shape is skipped: its entry is fetched on its own if the walk needs it.
   */
  private collectNested(item: unknown, level: number, depth: number, fetchedAt: number, into: FetchMediaResult): void {
    if (level >= depth) return;
    const edges = (item as { relations?: { edges?: unknown } } | null)?.relations?.edges;
    if (!Array.isArray(edges)) return;
    for (const edge of edges) {
      const node = (edge as { node?: unknown } | null)?.node as { id?: unknown; type?: unknown } | null | undefined;
      if (!node || node.type !== 'ANIME' || typeof node.id !== 'number') continue;
      const known = into.nested.get(node.id);
      if (!known?.entry) {
        if (level === 1) {
          const media = anilistMediaSchema.safeParse(node);
          if (media.success) {
            const entry = toAniListEntry(media.data, fetchedAt);
            into.nested.set(node.id, { ...toNestedEntry(media.data), entry });
          }
        } else if (!known) {
          const walked = anilistWalkNodeSchema.safeParse(node);
          if (walked.success) into.nested.set(node.id, toNestedEntry(walked.data));
        }
      }
      this.collectNested(node, level + 1, depth, fetchedAt, into);
    }
  }

  private post(query: string, variables: Record<string, unknown>, options: AniListCallOptions): Promise<HttpResult> {
    return this.options.http.call({
      method: 'POST',
      url: this.options.url,
      body: { query, variables },
      priority: options.priority,
      signal: options.signal,
      tally: options.tally,
    });
  }

  /** A 2xx answer of the wrong shape: retrying would only get the same. */
  private parse<T>(schema: z.ZodType<T>, answer: HttpResult, what: string): T {
    const parsed = schema.safeParse(answer.json);
    if (!parsed.success) throw this.parseError(`unexpected answer for ${what}: ${parsed.error.message}`, answer.attempts);
    return parsed.data;
  }

  private parseError(message: string, attempts: number): UpstreamError {
    return new UpstreamError(message, { upstream: 'anilist', kind: 'parse', status: 200, retryable: false, request: `POST ${this.options.url}`, attempts });
  }
}

function isTooComplex(error: UpstreamError): boolean {
  return error.status === 400 && /complexity/i.test(error.message);
}

function idOf(item: unknown): number | null {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'number' ? id : null;
}

