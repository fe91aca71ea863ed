import { createRoute, z } from '@hono/zod-openapi';
import { Gauge } from 'prom-client';
import { HttpProblem } from '../problem.ts';
import { problems } from '../openapi-parts.ts';
import type { ApiApp, RouteDeps } from '../route-deps.ts';

const catalogSchema = z
  .object({
    entries: z.number().int().openapi({ description: 'Entries of AniList’s catalog stored (not marked removed)' }),
    removed: z.number().int().openapi({ description: 'Entries AniList no longer has, kept and marked removed' }),
    enrichedShare: z.number().openapi({ description: 'Share of the entries with MyAnimeList data, 0-1' }),
    lastSyncAt: z.string().nullable().openapi({ description: 'When the last sync completed (ISO 8601); null before the first' }),
    lastFullSyncAt: z.string().nullable().openapi({ description: 'When the last full pass completed' }),
    lagSeconds: z.number().int().nullable().openapi({ description: 'Seconds since the last completed sync' }),
    syncing: z.boolean().openapi({ description: 'A sync is under way in some process' }),
    fresh: z.boolean().openapi({ description: 'Franchises are answered from the synced catalog with no AniList request (SYNC_FRESH_MINUTES)' }),
  })
  .openapi('Catalog');

const catalog = createRoute({
  method: 'get',
  path: '/api/catalog',
  operationId: 'getCatalog',
  tags: ['catalog'],
  summary: 'The synced catalog’s state',
  description: 'What `tsunagu sync` (or the scheduled sync of `serve`/`worker`) has mirrored of AniList: entries, last sync, share enriched. See docs/sync.md.',
  responses: {
    200: { description: 'The catalog', content: { 'application/json': { schema: catalogSchema } } },
    ...problems(404),
  },
});

export function registerCatalogRoutes(app: ApiApp, deps: RouteDeps): void {
  const status = deps.catalog;
  app.openapi(catalog, async (c) => {
    if (!status) throw new HttpProblem(404, 'not-found', 'Not found', 'this server has no catalog mirror');
    return c.json(await status(), 200);
  });
  if (!status) return;
  const registry = deps.metrics.registry;
  type Status = Awaited<ReturnType<typeof status>>;
  // Read at scrape time; one read serves the three gauges of a scrape.
  let reading: Promise<Status> | null = null;
  const read = () => (reading ??= status().finally(() => setTimeout(() => (reading = null), 1_000).unref()));
  const gauge = (name: string, help: string, value: (s: Status) => number | null) => {
    if (registry.getSingleMetric(name)) return;
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const v = value(await read());
        if (v !== null) this.set(v);
      },
    });
  };
  gauge('tsunagu_catalog_entries', 'Entries of the synced AniList catalog (not marked removed).', (s) => s.entries);
  gauge('tsunagu_catalog_last_sync_timestamp_seconds', 'When the last catalog sync completed, unix seconds.', (s) => (s.lastSyncAt ? Date.parse(s.lastSyncAt) / 1000 : null));
  gauge('tsunagu_catalog_sync_lag_seconds', 'Seconds since the last catalog sync completed.', (s) => s.lagSeconds);
  gauge('tsunagu_catalog_enriched_ratio', 'Share of the catalog with MyAnimeList data, 0-1.', (s) => s.enrichedShare);
}
