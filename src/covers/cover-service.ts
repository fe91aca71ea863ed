import { createHash } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/config.ts';
import { COVER_SIZES, type Anime, type CoverImages, type CoverSize } from '../domain/anime.ts';
import type { Logger } from '../log.ts';
import type { StoredCover } from '../store/cover-repository.ts';
import type { Store } from '../store/store.ts';
import { MemoryRateGate } from '../upstream/gate/memory-rate-gate.ts';
import type { RateGate, RateGateOptions } from '../upstream/gate/rate-gate.ts';
import { fetchCover } from './cover-fetch.ts';
import { coverHostPolicy, type CoverHostPolicy } from './cover-hosts.ts';

export type CoverAnswer =
  | { kind: 'image'; cover: StoredCover & { status: 'ok' } }
  /**
   * 404: no cover to be had (not stored, none given, host not allowed, refused);
   * 502/504: the image host failed or did not answer; 503: the cover gate is busy. Try later.
   */
  | { kind: 'unavailable'; status: UnavailableStatus; detail: string; retryAfterMs: number | null };

type UnavailableStatus = 404 | 502 | 503 | 504;

export interface CoverServiceDeps {
  store: Pick<Store, 'anime' | 'covers'>;
  gate: RateGate;
  policy: CoverHostPolicy;
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
  maxBytes: number;
  userAgent: string;
}

/** After a failure worth retrying (timeout, 5xx, 429) the cover is not asked for again for this long, ms. */
const RETRY_AFTER_FAILURE_MS = 10 * 60_000;
/** After a refusal (404, not an image, too large) the same URL is not asked for again for this long, ms. */
const RETRY_AFTER_REFUSAL_MS = 24 * 60 * 60_000;
/** Search results whose covers are kept before they are stored: a few pages' worth per search, many searches. */
const REMEMBERED_ENTRIES = 1_000;
/** When the cover gate is busy, the client may ask again this soon, ms. */
const BUSY_RETRY_MS = 5_000;
/** Cover fetches open at once, across hosts: a page of 120 covers must not open 120 connections. */
const COVERS_IN_FLIGHT = 4;

/** The cover gate: its own budget (image hosts, not the AniList or Jikan API), held per process. */
export function coverGateOptions(config: Pick<Config, 'coverRatePerSecond'>): RateGateOptions {
  const perSecond = config.coverRatePerSecond;
  return {
    windows: perSecond >= 1 ? [{ limit: Math.floor(perSecond), windowMs: 1_000 }] : [{ limit: 1, windowMs: Math.ceil(1_000 / perSecond) }],
    maxInFlight: COVERS_IN_FLIGHT,
    rateLimitBackoff: { initialMs: 2_000, maxMs: 60_000 },
    guardMs: 0,
    // An image host's 429 says "slower for a while", not a new limit worth learning.
    learnFromRateLimits: false,
  };
}

/**
 * The caching cover proxy behind `GET /api/anime/{id}/cover`: the page shows covers from its
 * own origin (its CSP allows no other), and each upstream image is fetched once.
 *
 * Only the URL stored for the entry is fetched, for the size asked (or the nearest one
 * AniList gave), from hosts the policy allows. The outcome is stored either way: the
 * image with its ETag, or the failure with a time before which that URL is not asked
 * again, so a missing cover costs one upstream request a day, not one per page view. A
 * stored image stays valid while the entry's URL is unchanged (AniList and MAL name
 * covers by content, so a new image comes with a new URL).
 */
export class CoverService {
  /** Fetches under way, so a page asking for one cover twice (or many pages at once) fetches it once. */
  private readonly pending = new Map<string, Promise<CoverAnswer>>();
  /** Covers AniList named in recent remote searches, for results not stored (yet); oldest first. */
  private readonly seen = new Map<number, Pick<Anime, 'coverImage' | 'coverImages'>>();

  constructor(private readonly deps: CoverServiceDeps) {}

  /**
   * Keeps the cover URLs of entries an upstream answer named (a remote search's results), so
   * their covers show before they are stored. The URLs are AniList's, never a client's.
   */
  remember(entries: readonly Anime[]): void {
    for (const { id, coverImage, coverImages } of entries) {
      this.seen.delete(id);
      this.seen.set(id, { coverImage, coverImages });
    }
    for (const id of this.seen.keys()) {
      if (this.seen.size <= REMEMBERED_ENTRIES) break;
      this.seen.delete(id);
    }
  }

  async get(animeId: number, size: CoverSize): Promise<CoverAnswer> {
    const anime = (await this.deps.store.anime.get(animeId)) ?? this.seen.get(animeId);
    if (!anime) return unavailable(404, `anime ${animeId} is not stored`);
    const source = pickSource(anime.coverImages, size) ?? anime.coverImage;
    if (!source) return unavailable(404, `AniList gives no cover for anime ${animeId}`);
    let url: URL;
    try {
      url = new URL(source);
    } catch {
      return unavailable(404, `the stored cover of anime ${animeId} is not a URL`);
    }
    if (!this.deps.policy.allows(url)) return unavailable(404, `covers from ${url.origin} are not fetched (allowed: ${this.deps.policy.describe()})`);

    const cached = await this.deps.store.covers.get(animeId, size);
    if (cached?.sourceUrl === url.href) {
      if (cached.status === 'ok') return { kind: 'image', cover: cached };
      const wait = cached.retryAt - this.deps.clock.now();
      if (wait > 0) return cached.status === 'refused' ? unavailable(404, cached.error) : unavailable(502, cached.error, wait);
    }
    const key = `${animeId}:${size}`;
    let answer = this.pending.get(key);
    if (!answer) {
      answer = this.fetchAndStore(animeId, size, url).finally(() => this.pending.delete(key));
      this.pending.set(key, answer);
    }
    return answer;
  }

  private async fetchAndStore(animeId: number, size: CoverSize, url: URL): Promise<CoverAnswer> {
    const { clock, logger } = this.deps;
    const result = await fetchCover(url, { ...this.deps, clock });
    const fetchedAt = clock.now();
    const base = { animeId, size, sourceUrl: url.href, fetchedAt };
    if (result.ok) {
      const cover = { ...base, status: 'ok', contentType: result.contentType, body: result.body, etag: etagOf(result.body) } as const;
      await this.deps.store.covers.put(cover);
      logger.debug({ animeId, size, url: url.href, bytes: result.body.byteLength }, 'cover fetched');
      return { kind: 'image', cover };
    }
    // The gate held it: nothing was asked, so nothing is learnt about this cover.
    if (result.kind === 'busy') return unavailable(503, result.error, BUSY_RETRY_MS);
    const wait = result.retryAfterMs ?? (result.retryable ? RETRY_AFTER_FAILURE_MS : RETRY_AFTER_REFUSAL_MS);
    const status = result.retryable ? 'failed' : 'refused';
    await this.deps.store.covers.put({ ...base, status, error: result.error, retryAt: fetchedAt + wait });
    logger.warn({ animeId, size, url: url.href, status: result.status, error: result.error }, 'cover could not be fetched');
    return unavailable(result.kind === 'timeout' ? 504 : result.retryable ? 502 : 404, result.error, result.retryable ? wait : null);
  }
}

/** The cover service as `serve` and `demo` run it, from the config. */
export function createCoverService(store: CoverServiceDeps['store'], config: Config, deps: { clock: Clock; logger: Logger }): CoverService {
  return new CoverService({
    store,
    gate: new MemoryRateGate(coverGateOptions(config), deps.clock),
    policy: coverHostPolicy({ hosts: config.coverHosts, upstreamUrls: [config.anilistUrl, config.jikanUrl] }),
    clock: deps.clock,
    logger: deps.logger,
    timeoutMs: config.coverTimeoutMs,
    maxBytes: config.coverMaxBytes,
    userAgent: config.userAgent,
  });
}

/** The size asked for, else the next larger one AniList gave, else the next smaller. */
function pickSource(images: CoverImages, size: CoverSize): string | null {
  const at = COVER_SIZES.indexOf(size);
  const larger = COVER_SIZES.slice(0, at).reverse();
  const smaller = COVER_SIZES.slice(at + 1);
  for (const candidate of [size, ...larger, ...smaller]) if (images[candidate]) return images[candidate];
  return null;
}

function etagOf(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

function unavailable(status: UnavailableStatus, detail: string, retryAfterMs: number | null = null): CoverAnswer {
  return { kind: 'unavailable', status, detail, retryAfterMs };
}
