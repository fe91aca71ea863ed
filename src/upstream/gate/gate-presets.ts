import type { Config } from '../../config/config.ts';
import type { RateGateOptions, RateWindowSpec } from './rate-gate.ts';

/**
 * Sends and arrivals are counted on different clocks a network apart; this much extra
 * per window keeps a late-arriving request from landing in the previous window. ms.
 */
const GUARD_MS = 100;

/**
 * Jikan counts arrivals per second; our sends reach it late by an uneven amount (a busy
 * event loop on either side, a new connection), which can bring a fourth request into one
 * of its seconds. Counting our per-second window over this much longer absorbs that; it
 * costs nothing over a run, where the per-minute window binds. ms.
 */
const ARRIVAL_SPREAD_MS = 250;

/**
 * AniList: one minute window starting at the configured pace (its degraded 30/min, minus
 * headroom) with a small burst, then following what its headers announce up to the absolute
 * ceiling; its 429s name their wait, so the backoff is a fallback.
 */
export function anilistGateOptions(config: Config): RateGateOptions {
  const ceiling = config.anilistMaxRatePerMinute * config.upstreamRateScale;
  const start = Math.min(ceiling, config.anilistRatePerMinute * config.upstreamRateScale);
  return {
    windows: [{ limit: ceiling, windowMs: 60_000, burst: config.anilistBurst, start }],
    maxInFlight: config.anilistMaxInFlight,
    // AniList's 429 is "a one-minute timeout": when it names no wait, start at a few seconds and reach that.
    rateLimitBackoff: { initialMs: 5_000, maxMs: 60_000 },
    guardMs: GUARD_MS,
  };
}

/** Jikan: per second AND per minute, both held; it never sends Retry-After, so the backoff is the plan. */
export function jikanGateOptions(config: Config): RateGateOptions {
  return {
    windows: [
      perSecond(config.jikanRatePerSecond * config.upstreamRateScale),
      { limit: config.jikanRatePerMinute * config.upstreamRateScale, windowMs: 60_000 },
    ],
    maxInFlight: config.jikanMaxInFlight,
    rateLimitBackoff: { initialMs: 2_000, maxMs: 60_000 },
    guardMs: GUARD_MS,
    // Jikan's limits are fixed and published: after a 429's pause, straight back to the configured pace.
    learnFromRateLimits: false,
  };
}

/**
 * Evenly spaced (no burst: three sent together and three more a window later land in one
 * of Jikan's seconds if the first three arrive a little late). A fractional rate below 1/s
 * becomes one request per longer window (0.5/s: 1 per 2 s).
 */
function perSecond(rate: number): RateWindowSpec {
  return rate >= 1
    ? { limit: rate, windowMs: 1_000 + ARRIVAL_SPREAD_MS, burst: 1 }
    : { limit: 1, windowMs: Math.ceil(1_000 / rate) + ARRIVAL_SPREAD_MS };
}
