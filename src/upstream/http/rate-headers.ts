import type { FetchResponse } from './fetch.ts';

/** Longest pause an upstream may ask for; beyond it a Reset header is more likely a clock problem. */
const MAX_WAIT_MS = 60 * 60_000;

/** What a response says about the rate budget (AniList sends these; Jikan sends none). */
export function readRateBudget(headers: FetchResponse['headers']): { limit: number | null; remaining: number | null } {
  return { limit: intHeader(headers, 'x-ratelimit-limit'), remaining: intHeader(headers, 'x-ratelimit-remaining') };
}

/**
 * How long a 429 asks us to wait, ms: `Retry-After` (seconds or an HTTP date), else
 * `X-RateLimit-Reset` (unix seconds), else null (Jikan never says).
 */
export function readRetryAfterMs(headers: FetchResponse['headers'], now: number): number | null {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return clampWait(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return clampWait(date - now);
  }
  const reset = intHeader(headers, 'x-ratelimit-reset');
  return reset === null ? null : clampWait(reset * 1000 - now);
}

function clampWait(ms: number): number {
  return Math.min(MAX_WAIT_MS, Math.max(0, Math.ceil(ms)));
}

function intHeader(headers: FetchResponse['headers'], name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? Math.trunc(value) : null;
}
