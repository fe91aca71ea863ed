import { createHash } from 'node:crypto';
import { cloudflareChallenge, gatewayPage } from '../gateway-pages.ts';
import { SlidingLog } from '../sliding-window.ts';
import type { FailureFault, RequestHead, SimContext, SimRequest, UpstreamEndpoint } from '../sim-context.ts';
import type { Reply } from '../sim-reply.ts';
import {
  jikanException,
  jikanLimitedByMal,
  jikanMethodNotAllowed,
  jikanRateLimited,
  jikanRouteNotFound,
  jikanUpstreamDown,
} from './jikan-errors.ts';
import { JIKAN_ROUTES, type RouteContext } from './jikan-routes.ts';

const DAY_MS = 86_400_000;

/** Jikan v4 at GET /jikan/v4: the routes of JIKAN_ROUTES, with Jikan's limits, caching headers and errors. */
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
    for (const route of JIKAN_ROUTES) {
      const match = route.match.exec(request.path);
      if (!match) continue;
      const { cache, reply } = route.handle(match, this.routeContext(request));
      if (reply.status !== 200) return reply;
      const headers = cache === 'single' ? this.cacheHeaders(request.path, request.uri, now) : { 'Cache-Control': 'private, must-revalidate' };
      return { ...reply, headers: { ...reply.headers, ...headers } };
    }
    return jikanRouteNotFound();
  }

  private routeContext(request: SimRequest): RouteContext {
    const { catalog, live, figures, companies, faults, knobs, clock, random } = this.ctx;
    return { catalog, works: live.works, figures, companies, faults, seed: knobs.seed, origin: request.origin, clock, random, query: request.query };
  }

  /** Jikan caches every single resource for 24 h; the fingerprint names its kind (`request:anime:`, `request:manga:`). */
  private cacheHeaders(path: string, uri: string, now: number): Record<string, string> {
    const first = this.cachedAt.get(uri);
    const hit = first !== undefined && now - first < DAY_MS;
    const cachedAt = hit ? first : now;
    if (!hit) this.cachedAt.set(uri, now);
    const kind = /^\/([a-z]+)/.exec(path)?.[1] ?? 'anime';
    return {
      'Cache-Control': 'public, s-maxage=86400',
      Expires: new Date(cachedAt + DAY_MS).toUTCString(),
      'Last-Modified': new Date(cachedAt).toUTCString(),
      'X-Cache-Status': hit ? 'HIT' : 'MISS',
      'X-Request-Fingerprint': `request:${kind}:${createHash('sha1').update(uri).digest('hex')}`,
    };
  }
}
