import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { DEFAULT_FOLLOW } from '../domain/franchise-policy.ts';

export { ConfigError } from './config-error.ts';

/**
 * Every option Tsunagu reads, in one table: environment name, default, unit and range.
 * `npm run docs` writes the README's options table from this list (scripts/gen-docs.ts); `tsunagu config` prints it.
 */
export interface OptionSpec {
  env: string;
  description: string;
  default: string | undefined;
  unit?: string;
  schema: z.ZodType;
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const positive = (max: number) => z.coerce.number().positive().max(max);
const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const options = {
  logLevel: {
    env: 'LOG_LEVEL',
    description: 'Log level: fatal, error, warn, info, debug, trace or silent. Logs are JSON on stderr.',
    default: 'info',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    description: 'Where data is stored: `sqlite:<path>` (or a plain path) for an embedded SQLite file, `postgres://...` for PostgreSQL.',
    default: 'sqlite:./data/tsunagu.sqlite',
    unit: '`sqlite:<path>`, a path, `:memory:` or `postgres://...`',
    schema: z.string().min(1),
  },
  redisUrl: {
    env: 'REDIS_URL',
    description: 'Redis for jobs, progress events and shared rate budgets across processes. Unset: everything in-process.',
    default: undefined,
    unit: '`redis://` or `rediss://` URL',
    schema: url(['redis:', 'rediss:']).optional(),
  },
  anilistUrl: {
    env: 'ANILIST_URL',
    description: 'AniList GraphQL endpoint.',
    default: 'https://graphql.anilist.co',
    unit: 'http(s) URL',
    schema: url(['http:', 'https:']),
  },
  jikanUrl: {
    env: 'JIKAN_URL',
    description: 'Jikan v4 base URL.',
    default: 'https://api.jikan.moe/v4',
    unit: 'http(s) URL',
    schema: url(['http:', 'https:']),
  },
  anilistRatePerMinute: {
    env: 'ANILIST_RATE_PER_MINUTE',
    description: 'AniList requests per minute before any response has said more; then the pace follows what `X-RateLimit-Limit` announces, minus headroom (up to ANILIST_MAX_RATE_PER_MINUTE when set).',
    default: '28',
    unit: 'requests/min, 1-10000',
    schema: positive(10_000).min(1),
  },
  anilistBurst: {
    env: 'ANILIST_BURST',
    description: 'AniList requests that may go out back to back before pacing starts.',
    default: '3',
    unit: 'requests, 1-30',
    schema: int(1, 30),
  },
  anilistMaxInFlight: {
    env: 'ANILIST_MAX_IN_FLIGHT',
    description: 'AniList requests open at once.',
    default: '4',
    unit: 'requests, 1-32',
    schema: int(1, 32),
  },
  anilistRelationDepth: {
    env: 'ANILIST_RELATION_DEPTH',
    description: 'Relation levels one AniList request of franchise discovery asks: 1 gives the entries\' own edges; 2 adds their neighbours in full with the neighbours\' edges, so one round trip advances the walk two levels; 3 adds one more level of edges at the cost of answers several MB large (see docs/discovery.md).',
    default: '2',
    unit: 'levels, 1-3',
    schema: int(1, 3),
  },
  jikanRatePerSecond: {
    env: 'JIKAN_RATE_PER_SECOND',
    description: 'Jikan requests per second (Jikan publishes 3/s); held over 1 s plus twice UPSTREAM_JITTER_MS, so arrivals stay within it.',
    default: '3',
    unit: 'requests/s, 0.1-3',
    schema: positive(3).min(0.1),
  },
  jikanRatePerMinute: {
    env: 'JIKAN_RATE_PER_MINUTE',
    description: 'Jikan requests per minute (Jikan publishes 60/min); held together with the per-second rate, over 60 s plus twice UPSTREAM_JITTER_MS or 1.2 s, whichever is more.',
    default: '60',
    unit: 'requests/min, 1-60',
    schema: positive(60).min(1),
  },
  jikanMaxInFlight: {
    env: 'JIKAN_MAX_IN_FLIGHT',
    description: 'Jikan requests open at once.',
    default: '3',
    unit: 'requests, 1-16',
    schema: int(1, 16),
  },
  upstreamTimeoutMs: {
    env: 'UPSTREAM_TIMEOUT_MS',
    description: 'Time one upstream request may take before it is aborted and retried.',
    default: '15000',
    unit: 'ms, 100-300000',
    schema: int(100, 300_000),
  },
  upstreamRetries: {
    env: 'UPSTREAM_RETRIES',
    description: 'Retries of a retryable upstream failure (timeout, 5xx, HTML or truncated body) before it is recorded as failed.',
    default: '4',
    unit: 'retries, 0-10',
    schema: int(0, 10),
  },
  upstreamRateLimitRetries: {
    env: 'UPSTREAM_RATE_LIMIT_RETRIES',
    description: 'Times one upstream request may be answered 429 and still be retried (each after the whole upstream paused) before it is recorded as failed. Not counted in UPSTREAM_RETRIES.',
    default: '10',
    unit: 'retries, 0-100',
    schema: int(0, 100),
  },
  upstreamBackoffMs: {
    env: 'UPSTREAM_BACKOFF_MS',
    description: 'Wait before the first retry of a failed upstream request; doubles per retry (half of it random), at most 30 s. A 429 waits for the rate gate instead.',
    default: '1000',
    unit: 'ms, 10-30000',
    schema: int(10, 30_000),
  },
  userAgent: {
    env: 'TSUNAGU_USER_AGENT',
    description: 'User-Agent sent upstream.',
    default: 'tsunagu/0.1 (+https://github.com/tsunagu/tsunagu)',
    unit: 'text',
    schema: z.string().min(1),
  },
  referer: {
    env: 'TSUNAGU_REFERER',
    description: 'Referer sent to AniList (AniList may refuse requests without one).',
    default: 'https://github.com/tsunagu/tsunagu',
    unit: 'text',
    schema: z.string().min(1),
  },
  franchiseFollow: {
    env: 'FRANCHISE_FOLLOW',
    description: 'Relation types the franchise walk follows, comma-separated.',
    default: DEFAULT_FOLLOW.join(','),
    unit: 'relation types, comma-separated',
    schema: csv,
  },
  franchiseMaxEntries: {
    env: 'FRANCHISE_MAX_ENTRIES',
    description: 'Most entries one franchise may have; a larger one is cut and marked truncated.',
    default: '500',
    unit: 'entries, 1-5000',
    schema: int(1, 5000),
  },
  franchiseMaxDepth: {
    env: 'FRANCHISE_MAX_DEPTH',
    description: 'Most relation hops from the entry asked for; further entries are left out and the result marked truncated.',
    default: '40',
    unit: 'hops, 0-1000',
    schema: int(0, 1000),
  },
  host: {
    env: 'HOST',
    description: 'Address `serve` binds to.',
    default: '127.0.0.1',
    unit: 'address',
    schema: z.string().min(1),
  },
  port: {
    env: 'PORT',
    description: 'Port `serve` listens on.',
    default: '3000',
    unit: 'port, 0-65535',
    schema: int(0, 65535),
  },
  apiToken: {
    env: 'TSUNAGU_API_TOKEN',
    description: 'When set, write requests need `Authorization: Bearer <token>`.',
    default: undefined,
    unit: 'text, at least 8 characters',
    schema: z.string().min(8, 'must be at least 8 characters').optional(),
  },
  corsOrigin: {
    env: 'CORS_ORIGIN',
    description: 'Origins allowed to call the API from a browser, comma-separated. Unset: CORS off.',
    default: undefined,
    unit: 'origins, comma-separated',
    schema: csv.optional(),
  },
  ingestRatePerMinute: {
    env: 'INGEST_RATE_PER_MINUTE',
    description: 'Requests that spend upstream budget (ingests, refreshes of stale franchises, remote searches) one client may make per minute; shared across API processes when REDIS_URL is set.',
    default: '20',
    unit: 'requests/min, 1-10000',
    schema: int(1, 10_000),
  },
  workerConcurrency: {
    env: 'WORKER_CONCURRENCY',
    description: 'Ingest jobs one worker runs at once.',
    default: '4',
    unit: 'jobs, 1-64',
    schema: int(1, 64),
  },
  enrich: {
    env: 'TSUNAGU_ENRICH',
    description: 'Enrich franchises from Jikan (MyAnimeList) after discovery.',
    default: 'true',
    schema: bool,
  },
  sseHeartbeatMs: {
    env: 'SSE_HEARTBEAT_MS',
    description: 'Interval of keep-alive comments on job event streams, so proxies do not cut idle streams.',
    default: '15000',
    unit: 'ms, 10-300000',
    schema: int(10, 300_000),
  },
  jobLeaseMs: {
    env: 'JOB_LEASE_MS',
    description: 'How long a running job stays its worker\'s without a heartbeat; a job whose worker died is taken over this long after its last heartbeat.',
    default: '30000',
    unit: 'ms, 300-3600000',
    schema: int(300, 3_600_000),
  },
  jobPollMs: {
    env: 'JOB_POLL_MS',
    description: 'How often a worker looks for jobs queued by other processes or left by dead workers (jobs queued in the same process start at once).',
    default: '1000',
    unit: 'ms, 10-600000',
    schema: int(10, 600_000),
  },
  shutdownGraceMs: {
    env: 'SHUTDOWN_GRACE_MS',
    description: 'On SIGTERM or Ctrl-C, how long serve, worker, discover and demo wait for open requests and running jobs before they exit anyway; a job still running then goes back to the queue as it stands (what it stored stays).',
    default: '5000',
    unit: 'ms, 0-600000',
    schema: int(0, 600_000),
  },
  jobRetentionDays: {
    env: 'JOB_RETENTION_DAYS',
    description: 'Finished jobs (and their event histories) are deleted this long after they ended; queued and running jobs are never deleted.',
    default: '7',
    unit: 'days, 0.01-3650',
    schema: positive(3650).min(0.01),
  },
  databasePoolSize: {
    env: 'DATABASE_POOL_SIZE',
    description: 'PostgreSQL connections one process may open.',
    default: '10',
    unit: 'connections, 1-100',
    schema: int(1, 100),
  },
  sqliteBusyTimeoutMs: {
    env: 'SQLITE_BUSY_TIMEOUT_MS',
    description: 'How long a SQLite write waits for another process holding the write lock before failing with SQLITE_BUSY.',
    default: '10000',
    unit: 'ms, 0-600000',
    schema: int(0, 600_000),
  },
  redisPrefix: {
    env: 'REDIS_PREFIX',
    description: 'Start of every Redis key and channel Tsunagu uses (jobs, progress, rate budgets), so installations can share one Redis. Processes that share a budget must share the prefix.',
    default: 'tsunagu',
    unit: 'letters, digits, - and _, 1-64',
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _'),
  },
  upstreamRateScale: {
    env: 'UPSTREAM_RATE_SCALE',
    description: 'Multiplies every AniList and Jikan rate limit (bursts and in-flight caps stay). Only for a simulator whose limits are multiplied the same way, so tests and benchmarks run fast; against the real services keep 1.',
    default: '1',
    unit: 'factor, 1-1000',
    schema: z.coerce.number().min(1).max(1000),
  },
  anilistMaxRatePerMinute: {
    env: 'ANILIST_MAX_RATE_PER_MINUTE',
    description: 'A cap on AniList requests per minute, whatever `X-RateLimit-Limit` announces; a start pace above it is lowered to it. Unset: follow what the server announces, minus headroom (a server whose headers overstate costs one 429, then the pace is what it accepted).',
    default: undefined,
    unit: 'requests/min, 1-10000',
    schema: positive(10_000).min(1).optional(),
  },
  runFrom: {
    env: 'TSUNAGU_RUN_FROM',
    description: 'What bin/tsunagu.mjs runs: `auto`, the built dist/ when it is as new as src/ and else the sources through tsx (slower to start, never out of date); `dist`, the build or an error saying to run `npm run build`; `src`, always the sources. Read by the launcher before anything else.',
    default: 'auto',
    schema: z.enum(['auto', 'dist', 'src']),
  },
  upstreamJitterMs: {
    env: 'UPSTREAM_JITTER_MS',
    description: 'How much one request\'s way to an upstream may take longer or shorter than another\'s (event loop, a new connection, the network, queueing before the upstream counts it), +- this. Every rate window is held over its length plus twice this (a minute window: at least 1.2 s), which keeps arrivals within the upstream\'s limit whatever the delays within it (docs/rate-gates.md). Raise it for a distant or unsteady link.',
    default: '100',
    unit: 'ms, 0-5000',
    schema: int(0, 5_000),
  },
  syncIntervalMinutes: {
    env: 'SYNC_INTERVAL_MINUTES',
    description: '`serve` and `worker` run the incremental catalog sync (`tsunagu sync`) this often, one process at a time across the installation (a lease in the database); the first run is a full pass. 0: never (run `tsunagu sync` yourself).',
    default: '0',
    unit: 'minutes, 0-10080',
    schema: z.coerce.number().min(0).max(10_080),
  },
  syncFreshMinutes: {
    env: 'SYNC_FRESH_MINUTES',
    description: 'While the last catalog sync ended at most this long ago (after a full pass), `discover`, the API and the page answer franchises from the stored catalog with no AniList request. 0: never answer from the mirror alone.',
    default: '1440',
    unit: 'minutes, 0-525600',
    schema: z.coerce.number().min(0).max(525_600),
  },
  syncOverlapSeconds: {
    env: 'SYNC_OVERLAP_SECONDS',
    description: 'How far below the newest `updatedAt` the last sync saw an incremental sync still reads, for edits made in the same moment as that one.',
    default: '300',
    unit: 's, 0-86400',
    schema: int(0, 86_400),
  },
  syncResultCap: {
    env: 'SYNC_RESULT_CAP',
    description: 'Most results AniList yields for one filter (its documented 5,000); the sync never asks for a page past it. Only for a simulator with another cap.',
    default: '5000',
    unit: 'entries, 50-100000',
    schema: int(50, 100_000),
  },
  coverHosts: {
    env: 'COVER_HOSTS',
    description:
      'Image hosts the cover proxy (GET /api/anime/{id}/cover) may fetch stored cover URLs from, over https, comma-separated; the origins of ANILIST_URL and JIKAN_URL are always allowed. Empty (as `tsunagu demo` sets it): only those.',
    default: 's4.anilist.co,img.anili.st,cdn.myanimelist.net,media.kitsu.app',
    unit: 'host names',
    schema: csv,
  },
  readCacheMb: {
    env: 'READ_CACHE_MB',
    description:
      'Memory one API process may keep franchise and search answers in, as JSON and compressed, each computed once per data version (docs/read-cache.md). 0: nothing is kept (every read computes its answer; ETags and compression still apply).',
    default: '64',
    unit: 'MiB, 0-4096',
    schema: int(0, 4096),
  },
  coverRatePerSecond: {
    env: 'COVER_RATE_PER_SECOND',
    description: 'Cover images the proxy fetches from upstream per second, all hosts together (cached covers cost nothing).',
    default: '5',
    unit: 'requests/s, 0.1-50',
    schema: positive(50).min(0.1),
  },
  coverTimeoutMs: {
    env: 'COVER_TIMEOUT_MS',
    description: 'How long one cover fetch may take, redirects and body included (and, apart, how long it may wait for the cover gate); then the page keeps its placeholder.',
    default: '10000',
    unit: 'ms, 100-120000',
    schema: int(100, 120_000),
  },
  coverMaxBytes: {
    env: 'COVER_MAX_BYTES',
    description: 'Largest cover image the proxy downloads and stores; a larger one is refused.',
    default: '3145728',
    unit: 'bytes, 1024-52428800',
    schema: int(1024, 52_428_800),
  },
} satisfies Record<string, OptionSpec>;

type Options = typeof options;
export type Config = { [K in keyof Options]: z.output<Options[K]['schema']> };


/**
 * Builds the config from the environment, with `overrides` (from CLI flags, keyed by
 * option name) taking precedence. Throws ConfigError naming every bad option.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Record<keyof Options, string | number | boolean | undefined>> = {},
): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(options) as [keyof Options, OptionSpec][]) {
    const override = overrides[key];
    const raw = override !== undefined ? String(override) : env[spec.env] === '' ? undefined : env[spec.env];
    const value = raw ?? spec.default;
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) out[key] = parsed.data;
    else {
      const source = override !== undefined ? `option ${key}` : spec.env;
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      problems.push(`${source}=${JSON.stringify(value)}: ${why}${spec.unit ? ` (${spec.unit})` : ''}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config;
}
