import type { Clock } from '../../clock.ts';
import type { Logger } from '../../log.ts';
import type { GateFeedback, Priority, RateGate } from '../gate/rate-gate.ts';
import { UpstreamError, type UpstreamName } from '../upstream-error.ts';
import type { UpstreamObserver } from '../upstream-observer.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import type { Fetch, FetchResponse } from './fetch.ts';
import { readRateBudget, readRetryAfterMs } from './rate-headers.ts';

export interface UpstreamHttpOptions {
  upstream: UpstreamName;
  gate: RateGate;
  fetch: Fetch;
  clock: Clock;
  logger: Logger;
  observer?: UpstreamObserver;
  /** One attempt's limit, headers and body included, ms. */
  timeoutMs: number;
  /** Retries of a retryable failure (not a 429) after the first attempt. */
  retries: number;
  /**
   * 429s one call may meet and still be retried, each after the gate's pause. Counted
   * apart from `retries`: a 429 says "later", not "broken", and a storm of them would
   * otherwise use up the retries a 5xx needs.
   */
  rateLimitRetries: number;
  backoff: BackoffOptions;
  /** Sent with every request (User-Agent, Referer, Accept). */
  headers: Record<string, string>;
  /** For backoff jitter; default Math.random. */
  random?: () => number;
  /**
   * The status an upstream put inside a 2xx JSON body, if any (AniList's `errors[].status`
   * with null data, Jikan's string "429"), so it is retried or paused like the real one.
   */
  bodyStatus?: (json: unknown) => number | null;
  /** The option that sets this upstream's URL (ANILIST_URL), named when the URL cannot work at all. */
  urlOption?: string;
}

/** One caller's HTTP attempts per upstream: a job's own figures, whatever else the process sends. */
export type RequestTally = Record<UpstreamName, number>;

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  /** Sent as JSON. */
  body?: unknown;
  priority?: Priority;
  signal?: AbortSignal;
  /** Counts every attempt of this call (retries included) for the caller. */
  tally?: RequestTally;
}

export interface HttpResult {
  status: number;
  json: unknown;
  attempts: number;
}

type Budget = { limit: number | null; remaining: number | null };
/** One attempt's outcome; `budget` is null when no response arrived. */
type Attempt = ({ result: { status: number; json: unknown } } | { error: UpstreamError }) & { budget: Budget | null };

/**
 * Sends one logical request to one upstream: through its rate gate, with a timeout per
 * attempt, retrying what may succeed later (timeouts, connection errors, 5xx, HTML or
 * truncated bodies, 429 after the gate's pause), never other 4xx. Resolves only with a 2xx
 * JSON body; everything else becomes an UpstreamError.
 */
export class UpstreamHttp {
  private sent = 0;

  constructor(private readonly options: UpstreamHttpOptions) {}

  /** HTTP attempts made so far (each retry counts). */
  get requestCount(): number {
    return this.sent;
  }

  async call(call: HttpCall): Promise<HttpResult> {
    const { upstream, gate, clock, logger, observer } = this.options;
    const request = `${call.method} ${call.url}`;
    let failures = 0;
    let rateLimits = 0;
    for (let attempt = 1; ; attempt++) {
      let pass;
      try {
        pass = await gate.acquire({ priority: call.priority, signal: call.signal });
      } catch (error) {
        throw this.abortedOr(error, call, request, attempt - 1);
      }
      observer?.onGateWait?.({ upstream, waitedMs: pass.waitedMs });
      const started = clock.now();
      const outcome = await this.attempt(call, request);
      const status = 'result' in outcome ? outcome.result.status : outcome.error.status;
      observer?.onRequest?.({ upstream, status, durationMs: clock.now() - started, attempt });
      const { pauseMs } = pass.finish(feedbackOf(outcome));
      if ('result' in outcome) return { ...outcome.result, attempts: attempt };

      const error = outcome.error;
      error.attempts = attempt;
      const limited = error.kind === 'rate-limited';
      if (limited) observer?.onRateLimited?.({ upstream, pauseMs });
      if (!error.retryable || (limited ? ++rateLimits > this.options.rateLimitRetries : ++failures > this.options.retries)) throw error;
      logger.debug({ upstream, request, status: error.status, kind: error.kind, attempt, pauseMs }, 'upstream attempt failed; retrying');
      // A 429 already paused the whole gate; waiting again here would only add delay.
      if (!limited) {
        try {
          await clock.sleep(backoffDelay(failures, this.options.backoff, this.options.random ?? Math.random), call.signal);
        } catch (reason) {
          throw this.abortedOr(reason, call, request, attempt);
        }
      }
    }
  }

  private async attempt(call: HttpCall, request: string): Promise<Attempt> {
    const { upstream, clock, timeoutMs } = this.options;
    const controller = new AbortController();
    const onAbort = () => controller.abort(call.signal?.reason);
    call.signal?.addEventListener('abort', onAbort, { once: true });
    if (call.signal?.aborted) onAbort();
    const timer = new AbortController();
    let timedOut = false;
    clock.sleep(timeoutMs, timer.signal).then(
      () => {
        timedOut = true;
        controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      },
      () => undefined,
    );
    try {
      this.sent++;
      if (call.tally) call.tally[upstream]++;
      const headers: Record<string, string> = { ...this.options.headers };
      if (call.body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await this.options.fetch(call.url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: controller.signal,
      });
      const text = await response.text();
      return this.classify(response, text, request);
    } catch (cause) {
      if (call.signal?.aborted) return { error: aborted(upstream, request, 0, cause), budget: null };
      const unresolvable = !timedOut && unresolvableHost(cause);
      if (unresolvable) {
        // A name that does not resolve will not resolve on a retry seconds later: say what to fix.
        const host = hostOf(call.url);
        const option = this.options.urlOption ? ` (set by ${this.options.urlOption})` : '';
        const message = `cannot resolve host ${host} of ${call.url}${option}: ${unresolvable}`;
        return { error: new UpstreamError(message, { upstream, kind: 'network', status: null, retryable: false, request, cause }), budget: null };
      }
      const kind = timedOut ? 'timeout' : 'network';
      const message = timedOut ? `no answer within ${timeoutMs} ms` : `connection failed: ${describe(cause)}`;
      return { error: new UpstreamError(message, { upstream, kind, status: null, retryable: true, request, cause }), budget: null };
    } finally {
      timer.abort();
      call.signal?.removeEventListener('abort', onAbort);
    }
  }

  private classify(response: FetchResponse, text: string, request: string): Attempt {
    const { upstream } = this.options;
    let json: unknown;
    let parsed = true;
    try {
      json = JSON.parse(text);
    } catch {
      parsed = false;
    }
    const inBody = parsed && response.status < 300 ? (this.options.bodyStatus?.(json) ?? null) : null;
    const status = inBody !== null && inBody >= 400 ? inBody : response.status;
    const details = { upstream, status, request, bodyExcerpt: text };
    const budget = readRateBudget(response.headers);
    if (status === 429) {
      const retryAfterMs = readRetryAfterMs(response.headers, this.options.clock.now());
      return { error: new UpstreamError('rate limited', { ...details, kind: 'rate-limited', retryable: true, retryAfterMs }), budget };
    }
    if (status >= 500 || status === 408) {
      return { error: new UpstreamError(errorMessage(json) ?? 'server error', { ...details, kind: 'http', retryable: true }), budget };
    }
    if (!parsed) {
      // HTML (a Cloudflare challenge, usually a 403) or a body cut short: both pass.
      const retryable = status < 400 || status === 403;
      const what = /^\s*</.test(text) ? 'HTML instead of JSON' : text.length === 0 ? 'empty body' : 'body is not valid JSON';
      return { error: new UpstreamError(what, { ...details, kind: 'parse', retryable }), budget };
    }
    if (status >= 300) {
      return { error: new UpstreamError(errorMessage(json) ?? 'request refused', { ...details, kind: 'http', retryable: false }), budget };
    }
    return { result: { status, json }, budget };
  }

  private abortedOr(reason: unknown, call: HttpCall, request: string, attempts: number): unknown {
    return call.signal?.aborted ? aborted(this.options.upstream, request, attempts, reason) : reason;
  }
}

/** What the gate learns: any response tells the budget, even a 5xx; no response tells nothing. */
function feedbackOf(outcome: Attempt): GateFeedback {
  if ('error' in outcome && outcome.error.kind === 'rate-limited') {
    return { outcome: 'rate-limited', retryAfterMs: outcome.error.retryAfterMs };
  }
  return outcome.budget === null ? { outcome: 'failed' } : { outcome: 'ok', ...outcome.budget };
}

function aborted(upstream: UpstreamName, request: string, attempts: number, cause: unknown): UpstreamError {
  return new UpstreamError('cancelled', { upstream, kind: 'aborted', status: null, retryable: false, request, attempts, cause });
}

/** The upstream's own message: AniList `errors[0].message`, Jikan `message`. */
function errorMessage(json: unknown): string | null {
  if (typeof json !== 'object' || json === null) return null;
  const body = json as { errors?: { message?: unknown }[]; message?: unknown };
  const message = body.errors?.[0]?.message ?? body.message;
  return typeof message === 'string' ? message : null;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** ENOTFOUND or EAI_AGAIN anywhere in the cause chain (fetch wraps the resolver's error), else null. */
function unresolvableHost(error: unknown): string | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return String(code);
  }
  return null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
