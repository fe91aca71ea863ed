import { createHash } from 'node:crypto';
import { cloudflareChallenge, gatewayPage } from '../gateway-pages.ts';
import { SlidingLog } from '../sliding-window.ts';
import type { FailureFault, RequestHead, SimContext, SimRequest, UpstreamEndpoint } from '../sim-context.ts';
import { jsonReply, type Reply } from '../sim-reply.ts';
import { searchTitles } from '../title-search.ts';
import { jikanAnime, jikanFullAnime, jikanRelations } from './jikan-anime.ts';
import {
  jikanException,
  jikanLimitedByMal,
  jikanMethodNotAllowed,
  jikanNotFound,
  jikanRateLimited,
  jikanRouteNotFound,
  jikanUpstreamDown,
  jikanValidation,
} from './jikan-errors.ts';

const DAY_MS = 86_400_000;
const MAX_LIMIT = 25;
const MAX_QUERY_CHARS = 255;

const ANIME_ROUTE = /^\/anime\/(\d+)(?:\/(full|relations))?\/?$/;
const SEARCH_ROUTE = /^\/anime\/?$/;

/** Jikan v4 at GET /jikan/v4: anime, full, relations and search, with Jikan's limits, caching headers and errors. */
export class JikanEndpoint implements UpstreamEndpoint {
  readonly name = 'jikan' as const;
  /** Accepted requests, for both the 1 s and the 60 s limit; 429s are not counted. */
  private readonly window = new SlidingLog(60_000);
  private stormUntil = 0;
  /** When each request URI was first answered: Jikan caches every request for 24 h. */
  private readonly cachedAt = new Map<string, number>();

  constructor(private readonly ctx: SimContext) {}

  admit(_head: RequestHead, now: number): Reply | null {
    if (now < this.stormUntil) return jikanLimitedByMal();
    const { jikanPerSecond, jikanPerMinute } = this.ctx.knobs;
    if (this.window.count(now, 1_000) >= jikanPerSecond || this.window.count(now, 60_000) >= jikanPerMinute) return jikanRateLimited();
    this.window.add(now);
    return null;
  }

  tooManyRequests(_now: number, cause: 'storm' | 'spurious'): Reply {
    return cause === 'storm' ? jikanLimitedByMal() : jikanRateLimited();
  }

  startStorm(now: number, seconds: number): void {
    this.stormUntil = now + seconds * 1000;
  }

  failure(kind: FailureFault): Reply {
    switch (kind) {
      case '500':
        return jikanException();
      case '502':
        return gatewayPage(502, 'nginx');
      case '504':
        return jikanUpstreamDown();
      case 'html403':
        return cloudflareChallenge();
    }
  }

  internalError(): Reply {
    return jikanException();
  }

  reset(): void {
    this.window.clear();
    this.stormUntil = 0;
    this.cachedAt.clear();
  }

  async handle(request: SimRequest, now: number): Promise<Reply> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return jikanMethodNotAllowed();
    const anime = ANIME_ROUTE.exec(request.path);
    if (anime) return this.anime(Number(anime[1]), anime[2] as 'full' | 'relations' | undefined, request, now);
    if (SEARCH_ROUTE.test(request.path)) return this.search(request.query, request.origin);
    return jikanRouteNotFound();
  }

  private anime(malId: number, part: 'full' | 'relations' | undefined, request: SimRequest, now: number): Reply {
    const entry = this.ctx.catalog.mal.get(malId);
    if (!entry) return jikanNotFound(malId);
    const { figures, faults, knobs } = this.ctx;
    const data =
      part === 'full'
        ? jikanFullAnime(entry, figures, faults, knobs.seed, request.origin)
        : part === 'relations'
          ? jikanRelations(entry, faults, knobs.seed)
          : jikanAnime(entry, figures, faults, request.origin);
    return jsonReply(200, { data }, this.cacheHeaders(request.uri, now));
  }

  private cacheHeaders(uri: string, now: number): Record<string, string> {
    const first = this.cachedAt.get(uri);
    const hit = first !== undefined && now - first < DAY_MS;
    const cachedAt = hit ? first : now;
    if (!hit) this.cachedAt.set(uri, now);
    return {
      'Cache-Control': 'public, s-maxage=86400',
      Expires: new Date(cachedAt + DAY_MS).toUTCString(),
      'Last-Modified': new Date(cachedAt).toUTCString(),
      'X-Cache-Status': hit ? 'HIT' : 'MISS',
      'X-Request-Fingerprint': `request:anime:${createHash('sha1').update(uri).digest('hex')}`,
    };
  }

  private search(query: URLSearchParams, origin: string): Reply {
    const messages: Record<string, string[]> = {};
    const integer = (name: string, fallback: number, max?: number): number => {
      const text = query.get(name);
      if (text === null || text === '') return fallback;
      if (!/^-?\d+$/.test(text)) {
        messages[name] = [`The ${name} must be an integer.`];
        return fallback;
      }
      const value = Number(text);
      if (value < 1) messages[name] = [`The ${name} must be at least 1.`];
      else if (max !== undefined && value > max) messages[name] = [`Value ${value} is higher than the configured '${max}' max value.`];
      return value;
    };
    const limit = integer('limit', MAX_LIMIT, MAX_LIMIT);
    const page = integer('page', 1);
    const q = query.get('q') ?? '';
    if (q.length > MAX_QUERY_CHARS) messages.q = [`The q may not be greater than ${MAX_QUERY_CHARS} characters.`];
    if (Object.keys(messages).length > 0) return jikanValidation(messages);

    const { catalog, figures, faults } = this.ctx;
    let ids: number[];
    if (q.trim()) {
      const matches = searchTitles(figures.malTitles, q);
      ids = [...matches.keys()].sort((a, b) => matches.get(b)! - matches.get(a)! || figures.members(b) - figures.members(a) || a - b);
    } else {
      ids = [...catalog.mal.keys()].sort((a, b) => a - b);
    }
    const slice = ids.slice((page - 1) * limit, page * limit);
    return jsonReply(
      200,
      {
        pagination: {
          last_visible_page: Math.max(1, Math.ceil(ids.length / limit)),
          has_next_page: page * limit < ids.length,
          current_page: page,
          items: { count: slice.length, total: ids.length, per_page: limit },
        },
        data: slice.map((id) => jikanAnime(catalog.mal.get(id)!, figures, faults, origin)),
      },
      { 'Cache-Control': 'private, must-revalidate' },
    );
  }
}
