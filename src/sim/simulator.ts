import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadCatalog } from '../catalog/catalog.ts';
import { systemClock } from '../clock.ts';
import { silentLogger } from '../log.ts';
import { AnilistEndpoint } from './anilist/anilist-endpoint.ts';
import { loadAnilistSchema } from './anilist/anilist-schema.ts';
import { answerCatalogAdmin } from './catalog-admin.ts';
import { companyIds } from './company-ids.ts';
import { CoverImages } from './covers/cover-images.ts';
import { isImagePath } from './covers/cover-urls.ts';
import { derivedFigures } from './derived-figures.ts';
import { FaultPlan } from './fault-plan.ts';
import type { Upstream } from './fault-spec.ts';
import { JikanEndpoint } from './jikan/jikan-endpoint.ts';
import { LiveCatalog, type ChangeSummary } from './live-catalog.ts';
import { seededRandom } from './seeded-random.ts';
import { simulatorContract } from './sim-contract.ts';
import type { RequestHead, SimContext, UpstreamEndpoint } from './sim-context.ts';
import { applyKnobs, DEFAULT_KNOBS, validateKnobs, type SimulatorKnobs, type SimulatorOptions } from './sim-options.ts';
import { jsonReply, truncated, type Reply } from './sim-reply.ts';
import { UpstreamStatsRecorder, type UpstreamStats } from './upstream-stats.ts';

export type { SimulatorOptions, SimulatorKnobs, UpstreamStats, ChangeSummary };
export { SimulatorOptionError } from './sim-options.ts';
export { FaultSpecError, FAULT_GRAMMAR } from './fault-spec.ts';

export interface SimStats {
  anilist: UpstreamStats;
  jikan: UpstreamStats;
  /** Generated cover images served (any size, either site's path); never rate limited or faulted. */
  images: UpstreamStats;
  startedAt: string;
}

/** Changes AniList's catalog over time; the same as POST /__sim/edit, /remove, /restore and /catalog/reset. */
export interface SimCatalogControl {
  /** Edits entries now (named, `count` picked by the seed); names of unpublished entries and `publish` add entries. */
  edit(request: { ids?: number[]; count?: number; publish?: number }): ChangeSummary;
  /** Removes entries, as AniList deleting them would: gone from every answer and every relation. */
  remove(request: { ids?: number[]; count?: number }): ChangeSummary;
  /** Brings removed entries back (every one without ids), changed now. */
  restore(request?: { ids?: number[] }): ChangeSummary;
  /** What GET /__sim/catalog answers. */
  summary(): ReturnType<LiveCatalog['summary']>;
  /** Back to the start: edits, removals and publications undone. */
  reset(): void;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** `${url}/anilist` */
  anilistUrl: string;
  /** `${url}/jikan/v4` */
  jikanUrl: string;
  stats(): SimStats;
  /** Clears stats, rate windows, storms, Jikan's cache and the random sequence (back to the seed); catalog changes stay. */
  reset(): void;
  catalog: SimCatalogControl;
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
  validateKnobs({ host: options.host, port: options.port, unpublished: options.unpublished });
  let knobs = applyKnobs(DEFAULT_KNOBS, options);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const catalog = options.catalog ?? (await loadCatalog());
  const live = new LiveCatalog(catalog, { seed: knobs.seed, unpublished: options.unpublished ?? 0 });
  const ctx: SimContext = {
    knobs,
    random: seededRandom(knobs.seed),
    faults: FaultPlan.parse(knobs.faults, knobs.seed),
    catalog,
    live,
    figures: derivedFigures(catalog),
    companies: companyIds(catalog),
    clock,
  };
  const schema = loadAnilistSchema();
  const contract = simulatorContract(schema);
  const endpoints: Record<Upstream, UpstreamEndpoint> = {
    anilist: new AnilistEndpoint(ctx, schema),
    jikan: new JikanEndpoint(ctx),
  };
  const covers = new CoverImages(catalog, live.works);
  const stats = { anilist: new UpstreamStatsRecorder(), jikan: new UpstreamStatsRecorder(), images: new UpstreamStatsRecorder() };
  let startedAt = new Date(clock.now()).toISOString();
  /** Aborts latency waits on close, so no response is written after it. */
  const closing = new AbortController();
  /** Set once listening; image URLs use it when a request has no usable Host header. */
  let ownOrigin = '';

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
    if (url.pathname === '/__sim/capabilities' && method === 'GET') return write(res, jsonReply(200, contract));
    if (url.pathname === '/__sim/reset' && method === 'POST') {
      reset();
      return write(res, jsonReply(200, { ok: true }));
    }
    if (url.pathname.startsWith('/__sim/')) {
      const body = await readBody(req);
      if (body === null) return write(res, jsonReply(413, { error: `request body over ${MAX_BODY_BYTES} bytes` }));
      const reply = answerCatalogAdmin(url.pathname, method, body, live, now);
      if (reply) return write(res, reply);
    }
    if (isImagePath(url.pathname)) {
      stats.images.arrived(now);
      const reply = covers.answer(method, url.pathname, req.headers);
      stats.images.responded(reply.status);
      return write(res, reply);
    }
    const target = route(url.pathname);
    if (!target) {
      return write(res, jsonReply(404, { error: `no simulator route ${method} ${url.pathname}; try /anilist, /jikan/v4/..., /__sim/capabilities, /__sim/stats, /__sim/catalog` }));
    }

    const endpoint = endpoints[target.upstream];
    stats[target.upstream].arrived(now);
    const head: RequestHead = {
      method,
      path: target.path,
      query: url.searchParams,
      headers: req.headers,
      uri: target.upstream === 'jikan' ? `/v4${target.path}${url.search}` : url.pathname + url.search,
      origin: originOf(req.headers.host) ?? ownOrigin,
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
    return { anilist: stats.anilist.snapshot(), jikan: stats.jikan.snapshot(), images: stats.images.snapshot(), startedAt };
  }

  function reset(): void {
    stats.anilist.reset();
    stats.jikan.reset();
    stats.images.reset();
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
  ownOrigin = url;

  return {
    url,
    anilistUrl: `${url}/anilist`,
    jikanUrl: `${url}${JIKAN_PREFIX}`,
    stats: snapshot,
    reset,
    catalog: {
      edit: (request) => live.edit(request, clock.now()),
      remove: (request) => live.remove(request),
      restore: (request = {}) => live.restore(request, clock.now()),
      summary: () => live.summary(),
      reset: () => live.reset(),
    },
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

/** `http://` + the Host header, when it is a plain host[:port] (anything else could forge URLs in answers). */
function originOf(host: string | undefined): string | null {
  return host && /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host) ? `http://${host}` : null;
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
