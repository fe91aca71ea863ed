import type { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../log.ts';
import { normaliseTitle } from '../../domain/title.ts';
import type { Priority } from '../gate/rate-gate.ts';
import type { HttpResult, RequestTally, UpstreamHttp } from '../http/upstream-http.ts';
import { UpstreamError } from '../upstream-error.ts';
import { toAniListEntry, type AniListEntry } from './anilist-mapping.ts';
import { MEDIA_BY_IDS, MEDIA_BY_MAL_ID, MEDIA_SEARCH } from './anilist-queries.ts';
import { anilistMediaSchema, anilistPageSchema, anilistSingleSchema } from './anilist-schema.ts';
import { chunk } from '../../chunk.ts';

export type { AniListEntry };

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
}

export interface FetchMediaOptions extends AniListCallOptions {
  /** Called as each HTTP batch returns, so a caller can queue new neighbours at once. */
  onBatch?: (result: FetchMediaResult) => void;
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
}

/** The most ids AniList answers in one Page. */
export const MAX_BATCH = 50;

/** AniList's GraphQL API: batched media by id, search, lookup by MAL id; answers mapped to domain types. */
export class AniListClient {
  /** Ids per request; halved for good when AniList refuses a batch as too complex. */
  private batchSize: number;

  constructor(private readonly options: AniListClientOptions) {
    const size = options.batchSize ?? MAX_BATCH;
    if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH) {
      throw new TypeError(`Expected \`batchSize\` to be an integer from 1 to ${MAX_BATCH}, got \`${size}\` (${typeof size})`);
    }
    this.batchSize = size;
  }

  /**
   * Fetches every id (duplicates ignored) in batches sent at once; the gate paces them.
   * Rejects only when cancelled; every other failure is reported per batch in `failed`.
   */
  async fetchMedia(ids: number[], options: FetchMediaOptions = {}): Promise<FetchMediaResult> {
    const total: FetchMediaResult = { entries: new Map(), missing: [], failed: [] };
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
        part = { entries: new Map(), missing: [], failed: [{ ids: batch, error }] };
      }
      for (const [id, entry] of part.entries) total.entries.set(id, entry);
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

  private async fetchBatch(ids: number[], options: AniListCallOptions): Promise<FetchMediaResult> {
    const answer = await this.post(MEDIA_BY_IDS, { ids, perPage: MAX_BATCH }, options);
    const page = this.parse(anilistPageSchema, answer, `ids ${ids.join(',')}`);
    const result: FetchMediaResult = { entries: new Map(), missing: [], failed: [] };
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
    return result;
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

