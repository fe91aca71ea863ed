import type { Context } from 'hono';
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { matchedRoutes } from 'hono/route';
import { getConnInfo } from '@hono/node-server/conninfo';
import { systemClock } from '../clock.ts';
import type { AppDeps } from './app-deps.ts';
import { requestBodyLimit } from './body-limit.ts';
import { upstreamSpendLimit } from './upstream-spend-limit.ts';
import { HttpProblem, problemResponse } from './problem.ts';
import { ReadCache } from './read-cache.ts';
import type { RouteDeps } from './route-deps.ts';
import { registerAnimeRoutes } from './routes/anime-routes.ts';
import { registerCatalogRoutes } from './routes/catalog-routes.ts';
import { registerCoverRoutes } from './routes/cover-routes.ts';
import { registerDocsRoutes } from './routes/docs-routes.ts';
import { registerJobRoutes } from './routes/job-routes.ts';
import { registerOpsRoutes } from './routes/ops-routes.ts';
import { registerSearchRoutes } from './routes/search-routes.ts';
import { securityHeaders } from './security-headers.ts';
import { fieldErrors, toProblem } from './to-problem.ts';
import { DEFAULT_WEB_ROOT, webPage } from './web-page.ts';
import { writeAccess } from './write-access.ts';

/** Largest request body accepted, bytes. Ingest requests are a few dozen bytes; this only stops abuse. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** The HTTP API and web page as a Hono app; `startServer` puts it on a port. */
export function createApp(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono({
    // Every validation failure becomes one 400 problem naming each bad field.
    defaultHook: (result) => {
      if (!result.success) {
        const whole = result.target === 'json' ? 'body' : result.target;
        throw new HttpProblem(400, 'validation', 'Invalid request', 'some fields are invalid; see errors', {
          errors: fieldErrors(result.error, whole),
        });
      }
    },
  });
  const access = writeAccess(deps.config.apiToken);
  const limit = upstreamSpendLimit(deps.config.ingestRatePerMinute, deps.spendLimiter);
  const routeDeps: RouteDeps = {
    ...deps,
    checkWrite: (c) => access.check(c.req.header('authorization')),
    limitSpend: (c) => limit.consume(clientAddress(c)),
    maySpend: async (c) => access.allowed(c.req.header('authorization')) && (await limit.tryConsume(clientAddress(c))),
    reads: new ReadCache({ maxBytes: deps.config.readCacheMb * 1024 * 1024, version: () => deps.store.dataVersion(), now: () => (deps.clock ?? systemClock).now() }),
  };

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // The matched route's pattern, not the path, so label values stay few (and a request
    // refused by middleware still counts under its route). Only wildcards match the page
    // and unknown paths.
    const matched = matchedRoutes(c).findLast((r) => r.method !== 'ALL' && !r.path.includes('*'));
    const route = matched?.path ?? (c.res.status < 400 ? 'web' : 'unmatched');
    deps.metrics.httpRequest(route, c.req.method, c.res.status, (performance.now() - started) / 1000);
  });
  app.use('*', securityHeaders());
  if (deps.config.corsOrigin?.length) {
    app.use('/api/*', cors({ origin: deps.config.corsOrigin, allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'], maxAge: 600 }));
  }
  app.use(
    '*',
    methodNotAllowed({
      // Wildcards (the page's catch-all GET, the POST guard) would make every path "allow"
      // their method; only real routes count.
      app: { get routes() { return app.routes.filter((r) => !r.path.includes('*')); } } as unknown as OpenAPIHono,
      onMethodNotAllowed: (c, methods) =>
        problemFor(c, new HttpProblem(405, 'method-not-allowed', 'Method not allowed', `${c.req.method} is not allowed here; use ${methods.join(', ')}`, {
          headers: { allow: methods.join(', ') },
        })),
    }),
  );
  // Before the body limit: an unauthorised request is refused without reading its body.
  app.on('POST', '/api/*', async (c, next) => {
    routeDeps.checkWrite(c);
    await next();
  });
  app.use('/api/*', requestBodyLimit(BODY_LIMIT_BYTES));

  registerAnimeRoutes(app, routeDeps);
  registerCoverRoutes(app, routeDeps);
  registerJobRoutes(app, routeDeps);
  registerSearchRoutes(app, routeDeps);
  registerOpsRoutes(app, routeDeps);
  registerCatalogRoutes(app, routeDeps);
  registerDocsRoutes(app);

  const page = webPage(deps.webRoot ?? DEFAULT_WEB_ROOT);
  app.get('*', (c, next) => (isApiPath(c.req.path) ? next() : page(c, next)));

  app.notFound((c) => problemFor(c, new HttpProblem(404, 'not-found', 'Not found', `nothing at ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    const mapped = toProblem(error, c.req.path);
    if (mapped.unexpected) deps.logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return problemResponse(mapped.problem, mapped.headers);
  });
  return app;
}

function problemFor(c: Context, problem: HttpProblem): Response {
  const mapped = toProblem(problem, c.req.path);
  return problemResponse(mapped.problem, mapped.headers);
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** The peer's address; requests made without a socket (app.request in tests) share one bucket. */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
