import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../errors.ts';
import { animeIdParams, flag, malIdParams, problems, SPENDING_READ_SECURITY } from '../openapi-parts.ts';
import { conditionalResponse } from '../conditional-response.ts';
import type { ApiApp, RouteDeps } from '../route-deps.ts';
import { animeSchema, franchiseSchema, jobEnvelopeSchema } from '../schemas.ts';

const getAnime = createRoute({
  method: 'get',
  path: '/api/anime/{id}',
  operationId: 'getAnime',
  tags: ['anime'],
  summary: 'One stored anime by AniList id',
  request: { params: animeIdParams },
  responses: {
    200: { description: 'The anime with its MAL data (mal is null before enrichment)', content: { 'application/json': { schema: animeSchema } } },
    ...problems(400, 404),
  },
});

const getAnimeByMal = createRoute({
  method: 'get',
  path: '/api/anime/mal/{malId}',
  operationId: 'getAnimeByMalId',
  tags: ['anime'],
  summary: 'One stored anime by MyAnimeList id',
  request: { params: malIdParams },
  responses: {
    200: { description: 'The anime', content: { 'application/json': { schema: animeSchema } } },
    ...problems(400, 404),
  },
});

const getFranchise = createRoute({
  method: 'get',
  path: '/api/anime/{id}/franchise',
  operationId: 'getFranchise',
  tags: ['anime'],
  // Not stored, or stale: the read starts an ingest or a refresh, which spends upstream budget.
  security: SPENDING_READ_SECURITY,
  summary: 'The franchise of an anime; starts its ingest when it is not stored yet',
  description:
    'Stored: 200 with the franchise at once; `franchise.stale` is true when stored data is past its freshness TTL, and a refresh ' +
    'starts behind the answer only when the request may spend upstream budget (the bearer token when one is configured, and the ' +
    'per-client limit; never with `ingest=false`). Not stored: 202 with the ingest job (follow `/api/jobs/{id}/events`, then ask ' +
    'again), or 404 with `ingest=false`. Starting an ingest counts against the per-client limit and needs the bearer token when one is configured.',
  request: {
    params: animeIdParams,
    query: z.object({
      ingest: flag(true).openapi({ param: { name: 'ingest', in: 'query' }, description: 'Start an ingest when not stored, or a refresh when stale (default true)' }),
    }),
  },
  responses: {
    200: {
      description: 'The franchise (same shape as `tsunagu discover --json`), gzip or br by `Accept-Encoding`, with a weak `ETag`',
      content: { 'application/json': { schema: franchiseSchema } },
    },
    304: { description: '`If-None-Match` names the current ETag: the copy the client holds is still right' },
    202: { description: 'Not stored yet, or its first import is still under way: the ingest job that fetches it', content: { 'application/json': { schema: jobEnvelopeSchema } } },
    ...problems(400, 401, 404, 429, 502, 503),
  },
});

export function registerAnimeRoutes(app: ApiApp, deps: RouteDeps): void {
  // Registered before `/api/anime/{id}/...` so `mal` is never read as an id.
  app.openapi(getAnimeByMal, async (c) => {
    const { malId } = c.req.valid('param');
    const anime = await deps.store.anime.findByMalId(malId);
    if (!anime) throw new NotFoundError(`no stored anime has MAL id ${malId}`);
    return c.json(anime, 200);
  });

  app.openapi(getAnime, async (c) => {
    const { id } = c.req.valid('param');
    const anime = await deps.store.anime.get(id);
    if (!anime) throw new NotFoundError(`anime ${id} is not stored; GET /api/anime/${id}/franchise imports it`);
    return c.json(anime, 200);
  });

  app.openapi(getFranchise, async (c) => {
    const { id } = c.req.valid('param');
    const { ingest } = c.req.valid('query');
    // A stale franchise is refreshed behind the answer only for a request that may spend
    // upstream budget (the token when one is set, and the client's limit): anyone else gets
    // the stored data, marked stale, and starts nothing.
    // The view is computed once per data version and kept as bytes (docs/read-cache.md); the
    // refresh decision is made for every read, kept or not, exactly as getFranchise makes it.
    const kept = await deps.reads.get(`franchise:${id}`, async () => {
      const stored = await deps.ingest.readFranchise(id);
      return stored && { value: stored.view, meta: { stale: stored.view.franchise.stale, complete: stored.complete, importKeys: stored.importKeys }, validUntil: stored.freshUntil };
    });
    // What an import has stored so far (entries its stored edges point at still missing) is not
    // the franchise: while it runs the answer is its job, as for an entry not stored at all (a
    // reload of the page follows the import). A complete franchise, stale or not, is answered.
    const importing = kept ? await deps.ingest.firstImportOf(kept.meta) : null;
    if (importing) {
      c.header('location', `/api/jobs/${encodeURIComponent(importing.id)}`);
      c.header('cache-control', 'no-store');
      return c.json({ job: importing }, 202);
    }
    if (kept) {
      await deps.ingest.refreshIfStale(id, kept.meta.stale, () => (ingest ? deps.maySpend(c) : Promise.resolve(false)));
      return conditionalResponse(c.req.raw, kept);
    }
    if (!ingest) throw new NotFoundError(`anime ${id} is not stored (ingest=false)`);
    deps.checkWrite(c);
    await deps.limitSpend(c);
    const { job } = await deps.ingest.requestIngest({ query: String(id) });
    c.header('location', `/api/jobs/${encodeURIComponent(job.id)}`);
    return c.json({ job }, 202);
  });
}
