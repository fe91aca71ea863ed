import { systemClock, type Clock } from '../clock.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../log.ts';
import { AniListClient } from './anilist/anilist-client.ts';
import { anilistBodyStatus } from './anilist/anilist-schema.ts';
import { anilistGateOptions, jikanGateOptions } from './gate/gate-presets.ts';
import { MemoryRateGate } from './gate/memory-rate-gate.ts';
import type { PaceMemory } from './gate/pace-memory.ts';
import type { RateGate } from './gate/rate-gate.ts';
import type { Fetch } from './http/fetch.ts';
import { UpstreamHttp } from './http/upstream-http.ts';
import { JikanClient } from './jikan/jikan-client.ts';
import { jikanBodyStatus } from './jikan/jikan-schema.ts';
import type { UpstreamName } from './upstream-error.ts';
import type { UpstreamObserver } from './upstream-observer.ts';

export interface UpstreamDeps {
  logger: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: Node's global fetch. */
  fetch?: Fetch;
  observer?: UpstreamObserver;
  /** Gates to use instead of in-memory ones built from the config (e.g. Redis gates shared by workers). */
  gates?: Partial<Record<UpstreamName, RateGate>>;
  /** What earlier runs learnt, for the in-memory gates built here. Default: nothing remembered. */
  paces?: Partial<Record<UpstreamName, PaceMemory>>;
  /** Backoff jitter; default Math.random. */
  random?: () => number;
}

export interface Upstreams {
  anilist: AniListClient;
  jikan: JikanClient;
  gates: Record<UpstreamName, RateGate>;
  /** HTTP attempts sent so far, retries included. */
  requestCounts(): Record<UpstreamName, number>;
}

/** Longest wait between retries, ms (UPSTREAM_BACKOFF_MS doubles up to this). */
const MAX_BACKOFF_MS = 30_000;

/** Both upstream clients with their gates, from the config: what the CLI, ingest and HTTP build in one line. */
export function createUpstreams(config: Config, deps: UpstreamDeps): Upstreams {
  const clock = deps.clock ?? systemClock;
  const gates: Record<UpstreamName, RateGate> = {
    anilist: deps.gates?.anilist ?? new MemoryRateGate(anilistGateOptions(config), clock, deps.paces?.anilist),
    jikan: deps.gates?.jikan ?? new MemoryRateGate(jikanGateOptions(config), clock, deps.paces?.jikan),
  };
  const http = (upstream: UpstreamName, headers: Record<string, string>, bodyStatus: (json: unknown) => number | null, urlOption: string) =>
    new UpstreamHttp({
      upstream,
      gate: gates[upstream],
      fetch: deps.fetch ?? fetch,
      clock,
      logger: deps.logger,
      observer: deps.observer,
      timeoutMs: config.upstreamTimeoutMs,
      retries: config.upstreamRetries,
      rateLimitRetries: config.upstreamRateLimitRetries,
      backoff: { baseMs: config.upstreamBackoffMs, maxMs: MAX_BACKOFF_MS },
      headers: { Accept: 'application/json', 'User-Agent': config.userAgent, ...headers },
      random: deps.random,
      bodyStatus,
      urlOption,
    });
  // AniList may refuse requests without a Referer; Jikan has no use for one.
  const anilistHttp = http('anilist', { Referer: config.referer }, anilistBodyStatus, 'ANILIST_URL');
  const jikanHttp = http('jikan', {}, jikanBodyStatus, 'JIKAN_URL');
  const logger = deps.logger;
  return {
    anilist: new AniListClient({ http: anilistHttp, url: config.anilistUrl, clock, logger, relationDepth: config.anilistRelationDepth }),
    jikan: new JikanClient({ http: jikanHttp, url: config.jikanUrl, clock, logger }),
    gates,
    requestCounts: () => ({ anilist: anilistHttp.requestCount, jikan: jikanHttp.requestCount }),
  };
}
