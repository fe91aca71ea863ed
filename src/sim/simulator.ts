import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadCatalog } from '../catalog/catalog.ts';
import { systemClock } from '../clock.ts';
import { silentLogger } from '../log.ts';
import { AnilistEndpoint } from './anilist/anilist-endpoint.ts';
import { loadAnilistSchema } from './anilist/anilist-schema.ts';
import { derivedFigures } from './derived-figures.ts';
import { FaultPlan } from './fault-plan.ts';
import type { Upstream } from './fault-spec.ts';
import { JikanEndpoint } from './jikan/jikan-endpoint.ts';
import { seededRandom } from './seeded-random.ts';
import type { RequestHead, SimContext, UpstreamEndpoint } from './sim-context.ts';
import { applyKnobs, DEFAULT_KNOBS, validateKnobs, type SimulatorKnobs, type SimulatorOptions } from './sim-options.ts';
import { jsonReply, truncated, type Reply } from './sim-reply.ts';
import { UpstreamStatsRecorder, type UpstreamStats } from './upstream-stats.ts';

export type { SimulatorOptions, SimulatorKnobs, UpstreamStats };
export { SimulatorOptionError } from './sim-options.ts';
export { FaultSpecError, FAULT_GRAMMAR } from './fault-spec.ts';

export interface SimStats {
  anilist: UpstreamStats;
  jikan: UpstreamStats;
  startedAt: string;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** `${url}/anilist` */
  anilistUrl: string;
  /** `${url}/jikan/v4` */
  jikanUrl: string;
  stats(): SimStats;
  /** Clears stats, rate windows, storms, Jikan's cache and the random sequence (back to the seed). */
  reset(): void;
  /** Changes knobs live; throws SimulatorOptionError or FaultSpecError and changes nothing when one is bad. */
  configure(patch: Partial<SimulatorKnobs>): void;
  /** Stops listening and ends every open connection, hung requests included. */
  close(): Promise<void>;
}

/** Requests bodies above this are refused; a full AniList query is a few KB. */
const MAX_BODY_BYTES = 1_000_000;
const JIKAN_PREFIX = '/jikan/v4';

/** Starts the AniList + Jikan simulator on loopback (by default an ephemeral port). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  validateKnobs({ host: options.host, port: options.port });
  let knobs = applyKnobs(DEFAULT_KNOBS, options);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const catalog = options.catalog ?? (await loadCatalog());
  const ctx: SimContext = {
    knobs,
    random: seededRandom(knobs.seed),
    faults: FaultPlan.parse(knobs.faults, knobs.seed),
    catalog,
    figures: derivedFigures(catalog),
    clock,
  };
  const endpoints: Record<Upstream, UpstreamEndpoint> = {
    anilist: new AnilistEndpoint(ctx, loadAnilistSchema()),
    jikan: new JikanEndpoint(ctx),
  };
  const stats = { anilist: new UpstreamStatsRecorder(), jikan: new UpstreamStatsRecorder() };
  let startedAt = new Date(clock.now()).toISOString();
  /** Aborts latency waits on close, so no response is written after it. */
  const closing = new AbortController();

  const route = (pathname: string): { upstream: Upstream; path: string } | null => {
    if (pathname === '/anilist' || pathname === '/anilist/') return { upstream: 'anilist', path: '/' };
    if (pathname === JIKAN_PREFIX || pathname.startsWith(`${JIKAN_PREFIX}/`)) return { upstream: 'jikan', path: pathname.slice(JIKAN_PREFIX.length) || '/' };
    return null;
  };

  async function answer(endpoint: UpstreamEndpoint, head: RequestHead, req: IncomingMessage, now: number): Promise<Reply | 'hang'> {
    const refused = endpoint.admit(head, now);
    if (refused) return refused;
    const fault = ctx.faults.rollRequest(endpoint.name, ctx.random);
    switch (fault?.kind) {
      case 'storm':
        endpoint.startStorm(now, fault.stormSeconds);
        return endpoint.tooManyRequests(now, 'storm');
      case '429':
        return endpoint.tooManyRequests(now, 'spurious');
      case 'hang':
        return 'hang';
      case '500':
      case '502':
      case '504':
      case 'html403':
        return endpoint.failure(fault.kind, now);
    }
    const body = await readBody(req);
    if (body === null) return jsonReply(413, { error: `request body over ${MAX_BODY_BYTES} bytes` });
    const reply = await endpoint.handle({ ...head, body }, now);
    return fault?.kind === 'truncate' ? truncated(reply) : reply;
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = clock.now();
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = req.method ?? 'GET';
    if (url.pathname === '/__sim/stats' && method === 'GET') return write(res, jsonReply(200, snapshot()));
    if (url.pathname === '/__sim/reset' && method === 'POST') {
      reset();
      return write(res, jsonReply(200, { ok: true }));
    }
    const target = route(url.pathname);
    if (!target) return write(res, jsonReply(404, { error: `no simulator route ${method} ${url.pathname}; try /anilist, /jikan/v4/..., /__sim/stats` }));

    const endpoint = endpoints[target.upstream];
    stats[target.upstream].arrived(now);
    const head: RequestHead = {
      method,
      path: target.path,
      query: url.searchParams,
      headers: req.headers,
      uri: target.upstream === 'jikan' ? `/v4${target.path}${url.search}` : url.pathname + url.search,
    };
    let reply: Reply | 'hang';
    try {
      reply = await answer(endpoint, head, req, now);
    } catch (error) {
      logger.error({ err: error, upstream: target.upstream, path: url.pathname }, 'simulator bug answered as upstream 500');
      reply = endpoint.internalError();
    }
    if (reply === 'hang') {
      logger.debug({ upstream: target.upstream, method, path: url.pathname + url.search }, 'sim request hangs');
      return; // The socket stays open until the client gives up or close() destroys it.
    }
    const { latencyMs, jitterMs } = ctx.knobs;
    const delay = Math.max(0, latencyMs + (ctx.random.next() * 2 - 1) * jitterMs);
    if (delay > 0) {
      try {
        await clock.sleep(delay, closing.signal);
      } catch {
        return; // Closing: the connection is being destroyed.
      }
    }
    stats[target.upstream].responded(reply.status);
    logger.debug({ upstream: target.upstream, method, path: url.pathname + url.search, status: reply.status, delayMs: Math.round(delay) }, 'sim request');
    write(res, reply);
  }

  function snapshot(): SimStats {
    return { anilist: stats.anilist.snapshot(), jikan: stats.jikan.snapshot(), startedAt };
  }

  function reset(): void {
    stats.anilist.reset();
    stats.jikan.reset();
    endpoints.anilist.reset();
    endpoints.jikan.reset();
    ctx.random = seededRandom(knobs.seed);
    startedAt = new Date(clock.now()).toISOString();
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'simulator failed to answer');
      res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    anilistUrl: `${url}/anilist`,
    jikanUrl: `${url}${JIKAN_PREFIX}`,
    stats: snapshot,
    reset,
    configure(patch) {
      const next = applyKnobs(knobs, patch);
      const reseeded = next.seed !== knobs.seed;
      const faults = reseeded || next.faults !== knobs.faults ? FaultPlan.parse(next.faults, next.seed) : ctx.faults;
      knobs = next;
      ctx.knobs = next;
      ctx.faults = faults;
      if (reseeded) ctx.random = seededRandom(next.seed);
    },
    close() {
      closing.abort();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function write(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}

/** The request body as text, or null when it is larger than MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
