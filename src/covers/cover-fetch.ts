import type { Clock } from '../clock.ts';
import type { RateGate } from '../upstream/gate/rate-gate.ts';
import { readCapped } from '../capped-read.ts';
import { readRetryAfterMs } from '../upstream/http/rate-headers.ts';
import type { CoverHostPolicy } from './cover-hosts.ts';
import { isRasterContentType, sniffImageType, type RasterType } from './image-type.ts';

export interface CoverFetchOptions {
  gate: RateGate;
  policy: CoverHostPolicy;
  clock: Clock;
  /** One fetch's limit, every redirect and the whole body included, ms. */
  timeoutMs: number;
  /** Largest image read, bytes; a longer body is abandoned. */
  maxBytes: number;
  userAgent: string;
  signal?: AbortSignal;
}

export type CoverFetchResult =
  | { ok: true; body: Uint8Array; contentType: RasterType; url: string }
  | {
      ok: false;
      /**
       * refused: not an allowed host, not a raster image, too large, too many redirects;
       * busy: the cover gate held it past the timeout (nothing was sent).
       */
      kind: 'refused' | 'http' | 'timeout' | 'network' | 'busy';
      error: string;
      /** The upstream's HTTP status, when it answered. */
      status: number | null;
      /** Worth trying again later (timeouts, 5xx, 429); a 404 or an SVG is not. */
      retryable: boolean;
      retryAfterMs: number | null;
    };

/** Image CDNs redirect to a canonical URL at most once or twice; more is a loop or a trick. */
const MAX_REDIRECTS = 3;

/**
 * Fetches one cover image: through the cover gate, redirects followed by hand so every hop
 * meets the host policy, at most `maxBytes`, and only a raster image whose bytes say what
 * it is. `timeoutMs` bounds the wait at the gate and, apart, each request (headers and
 * body): a queue of covers behind the gate must not time out requests never sent. Never
 * throws for an upstream fault: the result says why.
 */
export async function fetchCover(start: URL, options: CoverFetchOptions): Promise<CoverFetchResult> {
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (!options.policy.allows(url)) return refused(`${url.origin} is not an allowed cover host (allowed: ${options.policy.describe()})`);
    const waiting = deadline(options);
    let pass;
    try {
      pass = await options.gate.acquire({ priority: 'background', signal: waiting.signal });
    } catch {
      const error = waiting.expired() ? `the cover gate did not let it go within ${options.timeoutMs} ms` : 'cancelled';
      return { ok: false, kind: 'busy', error, status: null, retryable: true, retryAfterMs: null };
    } finally {
      waiting.clear();
    }
    const sending = deadline(options);
    let outcome: CoverFetchResult | { redirect: URL };
    try {
      outcome = await attempt(url, sending.signal, options);
      // A 429 pauses the cover gate for every cover, as the API gates do for their upstreams.
      const limited = 'ok' in outcome && !outcome.ok && outcome.status === 429 ? outcome : null;
      pass.finish(limited ? { outcome: 'rate-limited', retryAfterMs: limited.retryAfterMs } : { outcome: 'ok' });
    } catch (error) {
      pass.finish({ outcome: 'failed' });
      if (sending.expired()) return { ok: false, kind: 'timeout', error: `no image within ${options.timeoutMs} ms`, status: null, retryable: true, retryAfterMs: null };
      const why = options.signal?.aborted ? 'cancelled' : `connection failed: ${error instanceof Error ? error.message : String(error)}`;
      return { ok: false, kind: 'network', error: why, status: null, retryable: true, retryAfterMs: null };
    } finally {
      sending.clear();
    }
    if (!('redirect' in outcome)) return outcome;
    url = outcome.redirect;
  }
  return refused(`more than ${MAX_REDIRECTS} redirects`);
}

/** A signal that aborts after `timeoutMs` on the injected clock, or with the caller's. */
function deadline(options: CoverFetchOptions): { signal: AbortSignal; expired(): boolean; clear(): void } {
  const timer = new AbortController();
  const cleared = new AbortController();
  options.clock.sleep(options.timeoutMs, cleared.signal).then(
    () => timer.abort(new Error(`timed out after ${options.timeoutMs} ms`)),
    () => undefined,
  );
  return {
    signal: options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal,
    expired: () => timer.signal.aborted,
    clear: () => cleared.abort(),
  };
}

async function attempt(url: URL, signal: AbortSignal, options: CoverFetchOptions): Promise<CoverFetchResult | { redirect: URL }> {
  const response = await fetch(url, {
    redirect: 'manual',
    signal,
    headers: { 'user-agent': options.userAgent, accept: 'image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9' },
  });
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location) {
    await response.body?.cancel();
    return { redirect: new URL(location, url) };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    const retryAfterMs = response.status === 429 ? readRetryAfterMs(response.headers, options.clock.now()) : null;
    const retryable = response.status === 429 || response.status === 408 || response.status >= 500;
    return { ok: false, kind: 'http', error: `HTTP ${response.status} from ${url.origin}`, status: response.status, retryable, retryAfterMs };
  }
  const declared = response.headers.get('content-type');
  if (!isRasterContentType(declared)) {
    await response.body?.cancel();
    return { ...refused(`${url.origin} sent ${JSON.stringify(declared ?? 'no content type')}, not a raster image`), status: 200 };
  }
  const length = Number(response.headers.get('content-length') ?? NaN);
  if (length > options.maxBytes) {
    await response.body?.cancel();
    return { ...refused(`the image is ${length} bytes, over the ${options.maxBytes}-byte cap`), status: 200 };
  }
  const body = response.body ? await readCapped(response.body, options.maxBytes) : new Uint8Array();
  if (!body) return { ...refused(`the image is over the ${options.maxBytes}-byte cap`), status: 200 };
  const contentType = sniffImageType(body);
  if (!contentType) return { ...refused(`${url.origin} sent ${JSON.stringify(declared)} whose bytes are no JPEG, PNG, GIF, WebP or AVIF`), status: 200 };
  return { ok: true, body, contentType, url: url.href };
}

function refused(error: string): CoverFetchResult & { ok: false } {
  return { ok: false, kind: 'refused', error, status: null, retryable: false, retryAfterMs: null };
}
