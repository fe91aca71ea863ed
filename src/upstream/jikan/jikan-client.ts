import type { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../log.ts';
import type { Priority } from '../gate/rate-gate.ts';
import type { HttpResult, RequestTally, UpstreamHttp } from '../http/upstream-http.ts';
import { UpstreamError } from '../upstream-error.ts';
import { toJikanFull, type JikanFull } from './jikan-mapping.ts';
import { jikanFullSchema, jikanSearchSchema } from './jikan-schema.ts';

export type { JikanFull, MalRelation } from './jikan-mapping.ts';

export interface JikanCallOptions {
  signal?: AbortSignal;
  /** Default 'background': enrichment runs behind discovery. */
  priority?: Priority;
  /** Counts this call's HTTP attempts for the caller (a job's own request figures). */
  tally?: RequestTally;
}

export interface JikanSearchHit {
  malId: number;
  title: string | null;
  titleEnglish: string | null;
  type: string | null;
  year: number | null;
  score: number | null;
  members: number | null;
}

export interface JikanClientOptions {
  http: UpstreamHttp;
  /** Base URL ending in /v4. */
  url: string;
  clock: Clock;
  logger: Logger;
}

/** Jikan v4 (MyAnimeList): full anime records for enrichment, and search. */
export class JikanClient {
  private readonly base: string;

  constructor(private readonly options: JikanClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  /** MAL's data for one anime; null when MAL has no such entry (a 404 is an answer, not a failure). */
  async fetchFull(malId: number, options: JikanCallOptions = {}): Promise<JikanFull | null> {
    let answer: HttpResult;
    try {
      answer = await this.get(`/anime/${malId}/full`, options);
    } catch (error) {
      // Jikan's "Resource does not exist" is the answer; its route 404 (HttpException) means a wrong URL.
      if (error instanceof UpstreamError && error.status === 404 && !/HttpException/.test(error.bodyExcerpt ?? '')) return null;
      if (error instanceof UpstreamError && error.kind !== 'aborted') {
        this.options.logger.warn({ upstream: 'jikan', malId, status: error.status, kind: error.kind, attempts: error.attempts }, `Jikan fetch failed: ${error.message}`);
      }
      throw error;
    }
    return toJikanFull(this.parse(jikanFullSchema, answer, `MAL id ${malId}`).data, this.options.clock.now());
  }

  /** MAL's search, best first; `limit` 1-25 (Jikan's maximum), default 10. A person is waiting: interactive by default. */
  async search(query: string, options: JikanCallOptions & { limit?: number } = {}): Promise<JikanSearchHit[]> {
    const limit = Math.min(25, Math.max(1, Math.trunc(options.limit ?? 10)));
    const q = encodeURIComponent(query.trim().slice(0, 255));
    const answer = await this.get(`/anime?q=${q}&limit=${limit}`, { signal: options.signal, priority: options.priority ?? 'interactive' });
    return this.parse(jikanSearchSchema, answer, `search "${query}"`).data.map((hit) => ({
      malId: hit.mal_id,
      title: hit.title ?? null,
      titleEnglish: hit.title_english ?? null,
      type: hit.type ?? null,
      year: hit.year ?? null,
      score: hit.score ?? null,
      members: hit.members ?? null,
    }));
  }

  private get(path: string, options: JikanCallOptions): Promise<HttpResult> {
    return this.options.http.call({ method: 'GET', url: `${this.base}${path}`, priority: options.priority ?? 'background', signal: options.signal, tally: options.tally });
  }

  /** A 2xx answer of the wrong shape: retrying would only get the same. */
  private parse<T>(schema: z.ZodType<T>, answer: HttpResult, what: string): T {
    const parsed = schema.safeParse(answer.json);
    if (parsed.success) return parsed.data;
    throw new UpstreamError(`unexpected answer for ${what}: ${parsed.error.message}`, {
      upstream: 'jikan',
      kind: 'parse',
      status: answer.status,
      retryable: false,
      request: `GET ${this.base}`,
      attempts: answer.attempts,
    });
  }
}
