import { createRoute, z } from '@hono/zod-openapi';
import { HttpProblem } from '../problem.ts';
import { problems } from '../openapi-parts.ts';
import type { ApiApp, RouteDeps } from '../route-deps.ts';

/** How long the database may take to answer a readiness probe, ms. */
const READY_TIMEOUT_MS = 2000;

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getHealth',
  tags: ['operations'],
  summary: 'The process is up',
  responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'getReadiness',
  tags: ['operations'],
  summary: 'The database answers',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: z.object({ status: z.literal('ready') }) } } },
    ...problems(503),
  },
});

const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'getMetrics',
  tags: ['operations'],
  summary: 'Prometheus metrics',
  description:
    'Upstream requests by upstream and status, 429 pauses, time waiting at rate gates, job durations and outcomes, ' +
    'HTTP latency by route, method and status, open event streams.',
  responses: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } } },
});

export function registerOpsRoutes(app: ApiApp, deps: RouteDeps): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyz, async (c) => {
    try {
      await withTimeout(deps.store.ping(), READY_TIMEOUT_MS);
    } catch (error) {
      deps.logger.warn({ err: error }, 'readiness probe failed');
      throw new HttpProblem(503, 'not-ready', 'Not ready', 'the database does not answer');
    }
    return c.json({ status: 'ready' as const }, 200);
  });

  app.openapi(metrics, async (c) => {
    const text = await deps.metrics.registry.metrics();
    // Prometheus reads the format version from the content type, so registry.contentType replaces c.text's plain one.
    return c.text(text, 200, { 'content-type': deps.metrics.registry.contentType });
  });
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
