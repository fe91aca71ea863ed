import type { Config } from '../../config/config.ts';
import type { RateGateOptions, RateWindowSpec } from './rate-gate.ts';

/**
 * Sends and arrivals are counted on different clocks a network apart; this much extra
 * per window keeps a late-arriving request from landing in the previous window. ms.
 */
const GUARD_MS = 100;

/** AniList: one minute window with a small burst; its 429s name their wait, so the backoff is a fallback. */
export function anilistGateOptions(config: Config): RateGateOptions {
  return {
    windows: [{ limit: config.anilistRatePerMinute * config.upstreamRateScale, windowMs: 60_000, burst: config.anilistBurst }],
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
  };
}

/** A fractional rate below 1/s becomes one request per longer window (0.5/s: 1 per 2 s). */
function perSecond(rate: number): RateWindowSpec {
  return rate >= 1 ? { limit: rate, windowMs: 1_000 } : { limit: 1, windowMs: Math.ceil(1_000 / rate) };
}
