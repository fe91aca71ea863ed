import { createRoute, z } from '@hono/zod-openapi';
import { displayTitle, type Anime } from '../../domain/anime.ts';
import { rankByTitle } from '../../domain/title-ranking.ts';
import type { Logger } from '../../log.ts';
import { HttpProblem } from '../problem.ts';
import type { RemoteSearch } from '../app-deps.ts';
import { flag, problems, SPENDING_READ_SECURITY, wholeNumber } from '../openapi-parts.ts';
import { conditionalResponse } from '../conditional-response.ts';
import type { ApiApp, RouteDeps } from '../route-deps.ts';
import { searchResponseSchema, type SearchResponse, type SearchResult } from '../schemas.ts';

/** How long a remote search may take before the stored results are answered alone, ms. */
export const REMOTE_SEARCH_TIMEOUT_MS = 5000;
/** Stored matches read to rank: the store's own order (exact, prefix, contains) must not cut a series off behind its extras. */
const STORE_CANDIDATES = 25;

const search = createRoute({
  method: 'get',
  path: '/api/search',
  operationId: 'searchAnime',
  tags: ['search'],
  // remote=true asks AniList: that spends upstream budget.
  security: SPENDING_READ_SECURITY,
  summary: 'Search anime by title',
  description:
    'Searches the store; with `remote=true` also asks AniList. Results are ranked by how well a title matches, then by ' +
    'format (series and films before extras), then popularity; each says where it was found (`source`), whether it is ' +
    'stored, and how its title matched (`match`). When AniList fails the stored results are still answered, with `remote.ok` false. ' +
    'A remote search spends upstream budget: it needs the bearer token when one is configured and counts against the per-client ' +
    'limit, unless the same search is under way or was answered within the last minute (then it shares that answer).',
  request: {
    query: z.object({
      q: z
        .string()
        .trim()
        .min(1, 'must not be empty')
        .max(200, 'must be at most 200 characters')
        .openapi({ param: { name: 'q', in: 'query' }, example: 'gundam' }),
      limit: wholeNumber(1, 50).default(10).openapi({ param: { name: 'limit', in: 'query' }, default: 10, description: 'Most results, 1-50 (default 10)' }),
      remote: flag(false).openapi({ param: { name: 'remote', in: 'query' }, description: 'Also search AniList (default false)' }),
    }),
  },
  responses: {
    200: { description: 'Matches, best first (store-only searches: gzip or br by `Accept-Encoding`, with a weak `ETag`)', content: { 'application/json': { schema: searchResponseSchema } } },
    304: { description: '`If-None-Match` names the current ETag (store-only searches)' },
    ...problems(400, 401, 429),
  },
});

export function registerSearchRoutes(app: ApiApp, deps: RouteDeps): void {
  app.openapi(search, async (c) => {
    const { q, limit, remote } = c.req.valid('query');
    const searchStore = async () => (await deps.store.anime.search(q, Math.max(limit, STORE_CANDIDATES))).map((anime) => found(anime, 'store'));
    if (!remote) {
      // A store-only search depends on the stored data alone: kept per data version (docs/read-cache.md).
      const kept = await deps.reads.get(`search:${limit}:${q}`, async () => ({ value: { query: q, results: ranked(q, await searchStore(), limit) }, meta: null }));
      return conditionalResponse(c.req.raw, kept!);
    }
    const stored = await searchStore();
    const answer: SearchResponse = { query: q, results: ranked(q, stored, limit) };
    // Asking AniList spends the server's budget: a write (token, per-client limit), charged
    // only when it sends a request (an identical search under way or just answered is shared).
    deps.checkWrite(c);
    const outcome = await searchUpstream(deps.searchRemote, q, c.req.raw.signal, () => deps.limitSpend(c), deps.logger);
    answer.remote = outcome.ok ? { ok: true } : { ok: false, detail: outcome.detail };
    if (outcome.ok) {
      deps.covers?.remember(outcome.results);
      // Stored first, so an entry both found keeps `source: store`.
      answer.results = ranked(q, [...stored, ...outcome.results.map((anime) => found(anime, 'anilist'))], limit);
      // AniList's matches may be stored even when the store ranked them below its candidates.
      await Promise.all(
        answer.results.filter((r) => !r.stored).map(async (r) => (r.stored = (await deps.store.anime.get(r.id)) !== undefined)),
      );
    }
    return c.json(answer, 200);
  });
}

type Found = Anime & { source: SearchResult['source'] };

function found(anime: Anime, source: SearchResult['source']): Found {
  return { ...anime, source };
}

/** The one ranking the CLI and the page share (rankByTitle), cut to the limit. */
function ranked(q: string, candidates: Found[], limit: number): SearchResult[] {
  return rankByTitle(q, candidates)
    .slice(0, limit)
    .map(({ candidate: anime, match }) => ({
      id: anime.id,
      idMal: anime.idMal,
      title: displayTitle(anime.title, anime.id),
      format: anime.format,
      seasonYear: anime.seasonYear ?? anime.startDate.year,
      coverImage: anime.coverImage,
      stored: anime.source === 'store',
      source: anime.source,
      match,
    }));
}

type RemoteOutcome = { ok: true; results: Anime[] } | { ok: false; detail: string };

async function searchUpstream(
  searchRemote: RemoteSearch | undefined,
  q: string,
  clientGone: AbortSignal,
  charge: () => Promise<void>,
  logger: Logger,
): Promise<RemoteOutcome> {
  if (!searchRemote) return { ok: false, detail: 'remote search is not configured on this server' };
  try {
    const signal = AbortSignal.any([clientGone, AbortSignal.timeout(REMOTE_SEARCH_TIMEOUT_MS)]);
    return { ok: true, results: await searchRemote(q, signal, charge) };
  } catch (error) {
    // Over the client's limit: a 429 like any other spending, not a failed search.
    if (error instanceof HttpProblem) throw error;
    // A search page is still useful with stored matches only; the failure is said, not hidden.
    logger.warn({ err: error, q }, 'remote search failed');
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
