import type { Config } from '../../config/config.ts';
import type { RateGateOptions, RateWindowSpec } from './rate-gate.ts';

/** What AniList documents, requests per minute: the ceiling until its headers announce more. */
const ANILIST_DOCUMENTED_PER_MINUTE = 90;

/**
 * Over a long window, delays drift apart more than over a short one: a big franchise's
 * first Jikan requests leave while discovery keeps client and upstream busy, the 61st a
 * minute later into quiet. A window therefore assumes at least this share of its length
 * as jitter (a minute: 600 ms), whatever UPSTREAM_JITTER_MS says.
 */
const DRIFT_SHARE = 0.01;

/**
 * The guard that keeps arrivals within a window of `windowMs` whatever the delays do
 * within +-J, where J is `jitterMs` or, for a long window, 1 % of it (DRIFT_SHARE): 2J,
 * added to the window's log (and, with windowMs 0, to upstream-named pauses).
 *
 * Why it is enough. A window of limit L over W ms is held as a log of send times over
 * W + guard, so no L + 1 requests are ever sent within less than W + guard of each other
 * (RateWindow). A request sent at s is counted by the upstream at s + d, where the one-way
 * delay d lies within [D - J, D + J] for some D: everything between our grant and the
 * upstream's count (our event loop, a new connection, the network, queueing in front of
 * its limiter). Take any L + 1 requests. The first sent, at s1, is counted by s1 + D + J;
 * the last sent, at s2 >= s1 + W + guard, no earlier than s2 + D - J. Their arrivals
 * therefore span at least W + guard - 2J = W, and L + 1 arrivals spanning W or more fit
 * in no window of W: the upstream never counts more than L in one. Nothing in this
 * depends on the order in which the requests arrive, on whether the upstream's window
 * slides or is fixed to its clock (a fixed second is one of the windows), or on how
 * sends are spread within the window: evenly spaced sends s apart are the special case
 * in which four consecutive Jikan arrivals span at least 3s - 2J, so s >= (1 s + 2J) / 3.
 * The cost is the pace: L per W + 2J instead of per W (at the default J = 100 ms, 3 per
 * 1.2 s; a minute window, 60 per 61.2 s).
 */
export function arrivalGuardMs(jitterMs: number, windowMs = 0): number {
  return 2 * Math.max(jitterMs, windowMs * DRIFT_SHARE);
}

/**
 * AniList: one minute window starting at the configured pace (its degraded 30/min, minus
 * headroom) with a small burst, then following what its headers announce: past the
 * documented 90 too unless ANILIST_MAX_RATE_PER_MINUTE caps it. Its 429s name their wait,
 * so the backoff is a fallback.
 */
export function anilistGateOptions(config: Config): RateGateOptions {
  const scale = config.upstreamRateScale;
  const cap = config.anilistMaxRatePerMinute === undefined ? undefined : config.anilistMaxRatePerMinute * scale;
  const start = config.anilistRatePerMinute * scale;
  const ceiling = cap ?? Math.max(start, ANILIST_DOCUMENTED_PER_MINUTE * scale);
  return {
    windows: [
      {
        limit: ceiling,
        windowMs: 60_000,
        burst: config.anilistBurst,
        start: Math.min(ceiling, start),
        followAnnounced: cap === undefined,
        guardMs: arrivalGuardMs(config.upstreamJitterMs, 60_000),
      },
    ],
    maxInFlight: config.anilistMaxInFlight,
    // AniList's 429 is "a one-minute timeout": when it names no wait, start at a few seconds and reach that.
    rateLimitBackoff: { initialMs: 5_000, maxMs: 60_000 },
    guardMs: arrivalGuardMs(config.upstreamJitterMs),
  };
}

/**
 * Jikan: its published 3/s AND 60/min, each held over its length plus its arrival
 * guard; it never sends Retry-After, so the backoff is the plan. A 429 halves the pace
 * and quiet minutes climb it back (the limits are fixed: a 429 is contention, not news).
 */
export function jikanGateOptions(config: Config): RateGateOptions {
  return {
    windows: [
      perSecond(config.jikanRatePerSecond * config.upstreamRateScale, config.upstreamJitterMs),
      { limit: config.jikanRatePerMinute * config.upstreamRateScale, windowMs: 60_000, guardMs: arrivalGuardMs(config.upstreamJitterMs, 60_000) },
    ],
    maxInFlight: config.jikanMaxInFlight,
    rateLimitBackoff: { initialMs: 2_000, maxMs: 60_000 },
    guardMs: arrivalGuardMs(config.upstreamJitterMs),
    learnFromRateLimits: false,
  };
}

/** A fractional rate below 1/s becomes one request per longer window (0.5/s: 1 per 2 s). */
function perSecond(rate: number, jitterMs: number): RateWindowSpec {
  const window = rate >= 1 ? { limit: rate, windowMs: 1_000 } : { limit: 1, windowMs: Math.ceil(1_000 / rate) };
  return { ...window, guardMs: arrivalGuardMs(jitterMs, window.windowMs) };
}
