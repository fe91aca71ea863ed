import { createRoute, z } from '@hono/zod-openapi';
import { COVER_SIZES } from '../../domain/anime.ts';
import { animeIdParams, problems } from '../openapi-parts.ts';
import { HttpProblem } from '../problem.ts';
import type { ApiApp, RouteDeps } from '../route-deps.ts';

/**
 * How long browsers keep a cover, s. The address names an entry, not an image, so it is
 * not immutable: a week, then the ETag makes the recheck a 304.
 */
const COVER_MAX_AGE_S = 7 * 24 * 3600;

const getCover = createRoute({
  method: 'get',
  path: '/api/anime/{id}/cover',
  operationId: 'getCover',
  tags: ['anime'],
  summary: "An anime's cover image, from this server's own origin",
  description:
    'Serves the cover AniList gives for a stored entry, fetched once from its image host and cached (JPEG, PNG, GIF, WebP or AVIF; ' +
    'never SVG), with an ETag and a week of Cache-Control. Only the URL stored for the entry is ever fetched, only from the ' +
    'image hosts in COVER_HOSTS and the ANILIST_URL/JIKAN_URL origins. 404 when there is no cover to be had; 502/504 when ' +
    'the image host failed, 503 when the cover gate is busy (try again after Retry-After). No token needed: a cover spends no AniList or Jikan budget (docs/security.md).',
  request: {
    params: animeIdParams,
    query: z.object({
      size: z
        .enum(COVER_SIZES, { error: `must be one of ${COVER_SIZES.join(', ')}` })
        .default('large')
        .openapi({ param: { name: 'size', in: 'query' }, description: 'AniList size: extraLarge (~460 px wide), large (~230), medium (~100); default large' }),
    }),
  },
  responses: {
    200: { description: 'The image', content: { 'image/*': { schema: z.string().openapi({ format: 'binary' }) } } },
    304: { description: 'Not modified (If-None-Match)' },
    ...problems(400, 404, 502, 503, 504),
  },
});

export function registerCoverRoutes(app: ApiApp, deps: RouteDeps): void {
  app.openapi(getCover, async (c) => {
    const { id } = c.req.valid('param');
    const { size } = c.req.valid('query');
    if (!deps.covers) throw new HttpProblem(404, 'not-found', 'Not found', 'this server does not serve covers');
    const answer = await deps.covers.get(id, size);
    if (answer.kind === 'unavailable') {
      const headers: Record<string, string> = { 'cache-control': 'no-store' };
      if (answer.retryAfterMs !== null) headers['retry-after'] = String(Math.max(1, Math.ceil(answer.retryAfterMs / 1000)));
      const title = answer.status === 404 ? 'No cover' : 'Cover unavailable';
      throw new HttpProblem(answer.status, answer.status === 404 ? 'no-cover' : 'cover-unavailable', title, answer.detail, { headers });
    }
    const { cover } = answer;
    const headers = { etag: cover.etag, 'cache-control': `public, max-age=${COVER_MAX_AGE_S}` };
    if (c.req.header('if-none-match')?.split(',').some((tag) => tag.trim() === cover.etag)) return new Response(null, { status: 304, headers });
    return new Response(new Uint8Array(cover.body), { status: 200, headers: { ...headers, 'content-type': cover.contentType, 'content-length': String(cover.body.byteLength) } });
  });
}
