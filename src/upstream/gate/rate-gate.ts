/**
 * The rate gate port: one per upstream, shared by every caller (in memory here; in Redis
 * when several processes share one upstream budget). A caller acquires a pass before each
 * HTTP attempt and finishes it with what the response said, so the gate can pause or adapt.
 */
export interface RateGate {
  /**
   * Waits until a request may be sent (every window has room, an in-flight slot is free,
   * no 429 pause is running). Interactive callers go before background ones. Rejects with
   * the signal's reason as soon as `signal` aborts.
   */
  acquire(options?: AcquireOptions): Promise<GatePass>;
  /** Current pacing, for logs, metrics and tests. */
  snapshot(): GateSnapshot;
}

/** Interactive: a person is waiting (discovery). Background: enrichment and refreshes. */
export type Priority = 'interactive' | 'background';

export interface AcquireOptions {
  /** Default 'interactive'. */
  priority?: Priority;
  signal?: AbortSignal;
}

export interface GatePass {
  /** How long the caller waited for this pass, ms. */
  readonly waitedMs: number;
  /**
   * Frees the in-flight slot and reports the outcome. Call exactly once per pass; later
   * calls are ignored. Returns how long the upstream is now paused (0 unless rate-limited).
   */
  finish(feedback: GateFeedback): { pauseMs: number };
}

export type GateFeedback =
  /** A response arrived; `limit`/`remaining` are what the upstream reported for its longest window, if anything. */
  | { outcome: 'ok'; limit?: number | null; remaining?: number | null }
  /** HTTP 429; `retryAfterMs` is what the upstream asked for, null when it said nothing. */
  | { outcome: 'rate-limited'; retryAfterMs: number | null }
  /** No usable answer (timeout, network error, cancelled): nothing learnt about the budget. */
  | { outcome: 'failed' };

export interface GateSnapshot {
  /** Requests per minute currently allowed by the longest window. */
  ratePerMinute: number;
  /** Current pace as a share of the ceiling (the configured one, or what the upstream announced when the gate follows it), (0, 1]. */
  scale: number;
  inFlight: number;
  queued: number;
  /** ms since epoch until which nothing is sent, or null when not paused. */
  pausedUntil: number | null;
}

/** A sliding window held by a gate: at most `limit` requests in any `windowMs`. */
export interface RateWindowSpec {
  limit: number;
  windowMs: number;
  /**
   * Requests that may go back to back before pacing spreads the rest evenly over the
   * window (a token bucket of this size). Default `limit`: no pacing within the window.
   */
  burst?: number;
  /**
   * The pace before the upstream has said anything, requests per window; default `limit`.
   * Rate headers then move the pace anywhere up to `limit` (the absolute ceiling): AniList
   * starts at its degraded 30/min and follows what `X-RateLimit-Limit` announces. Only the
   * longest window adapts, so only there is it read.
   */
  start?: number;
  /**
   * Whether rate headers may raise the ceiling past `limit` (default false: `limit` is
   * absolute). True for an upstream whose announced limit is the one to follow (AniList
   * with no cap set): `limit` is then only the ceiling until a header announces more.
   * Headers that overstate still cost one 429, after which the pace is what was accepted.
   */
  followAnnounced?: boolean;
  /** Added to this window's log instead of the gate's `guardMs`, ms (see arrivalGuardMs). Default: the gate's. */
  guardMs?: number;
}

/** What every RateGate implementation is configured with. */
export interface RateGateOptions {
  /** All held at once (Jikan: 3/s AND 60/min). The longest one is what rate headers describe. */
  windows: RateWindowSpec[];
  /** Requests open at once. */
  maxInFlight: number;
  /** Pause after a 429 that names no wait: `initialMs`, doubled for each 429 in a row, at most `maxMs`. */
  rateLimitBackoff: { initialMs: number; maxMs: number };
  /**
   * Added to every window's log (unless the window names its own) and to upstream-named
   * pauses, because the upstream counts arrivals while we count departures: with one-way
   * delays varying within +-J, a guard of 2J keeps arrivals within a window (see
   * arrivalGuardMs). ms.
   */
  guardMs: number;
  /**
   * Whether a 429 after many accepted requests teaches the upstream's real limit (default
   * true: AniList, whose headers may overstate it). False for an upstream whose limits are
   * fixed and published (Jikan): a 429 there is contention (MyAnimeList limiting Jikan,
   * other clients on the address), so every 429 halves the pace and quiet windows climb
   * it back to the ceiling (additive increase, multiplicative decrease).
   */
  learnFromRateLimits?: boolean;
}

export function validateGateOptions(options: RateGateOptions): void {
  const check = (name: string, value: number, min: number) => {
    if (!Number.isFinite(value) || value < min) {
      throw new TypeError(`Expected \`${name}\` to be a finite number >= ${min}, got \`${value}\` (${typeof value})`);
    }
  };
  if (options.windows.length === 0) throw new TypeError('Expected at least one rate window, got none');
  options.windows.forEach((w, i) => {
    check(`windows[${i}].limit`, w.limit, 1);
    check(`windows[${i}].windowMs`, w.windowMs, 1);
    if (w.burst !== undefined) check(`windows[${i}].burst`, w.burst, 1);
    if (w.start !== undefined) check(`windows[${i}].start`, w.start, 1);
    if (w.guardMs !== undefined) check(`windows[${i}].guardMs`, w.guardMs, 0);
  });
  check('maxInFlight', options.maxInFlight, 1);
  check('rateLimitBackoff.initialMs', options.rateLimitBackoff.initialMs, 0);
  check('rateLimitBackoff.maxMs', options.rateLimitBackoff.maxMs, options.rateLimitBackoff.initialMs);
  check('guardMs', options.guardMs, 0);
}
