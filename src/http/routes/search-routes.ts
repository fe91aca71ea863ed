import { createRoute, z } from '@hono/zod-openapi';
import { displayTitle, type StoredAnime } from '../../domain/anime.ts';
import type { Logger } from '../../log.ts';
import { HttpProblem } from '../problem.ts';
import type { RemoteSearch } from '../app-deps.ts';
import { flag, problems, wholeNumber } from '../openapi-parts.ts';
import type { ApiApp, RouteDeps } from '../route-deps.ts';
import { searchResponseSchema, type SearchResponse, type SearchResult } from '../schemas.ts';

/** How long a remote search may take before the stored results are answered alone, ms. */
export const REMOTE_SEARCH_TIMEOUT_MS = 5000;

const search = createRoute({
  method: 'get',
  path: '/api/search',
  tags: ['search'],
  summary: 'Search anime by title',
  description:
    'Searches the store; with `remote=true` also asks AniList and appends its matches that are not stored. ' +
    'When AniList fails the stored results are still answered, with `remote.ok` false. A remote search spends upstream budget: ' +
    'it needs the bearer token when one is configured and counts against the per-client limit, unless the same search is ' +
    'under way or was answered within the last minute (then it shares that answer).',
  request: {
    query: z.object({
      q: z
        .string()
        .trim()
        .min(1, 'must not be empty')
        .max(200, 'must be at most 200 characters')
        .openapi({ param: { name: 'q', in: 'query' }, example: 'gundam' }),
      limit: wholeNumber(1, 50).default(10).openapi({ param: { name: 'limit', in: 'query' }, type: 'integer', description: '1-50, default 10' }),
      remote: flag(false).openapi({ param: { name: 'remote', in: 'query' }, description: 'Also search AniList (default false)' }),
    }),
  },
  responses: {
    200: { description: 'Matches, best first', content: { 'application/json': { schema: searchResponseSchema } } },
    ...problems(400, 401, 429),
  },
});

export function registerSearchRoutes(app: ApiApp, deps: RouteDeps): void {
  app.openapi(search, async (c) => {
    const { q, limit, remote } = c.req.valid('query');
    const stored = (await deps.store.anime.search(q, limit)).map(fromStore);
    const answer: SearchResponse = { query: q, results: stored };
    if (remote) {
      // Asking AniList spends the server's budget: a write (token, per-client limit), charged
      // only when it sends a request (an identical search under way or just answered is shared).
      deps.checkWrite(c);
      const outcome = await searchUpstream(deps.searchRemote, q, c.req.raw.signal, () => deps.limitSpend(c), deps.logger);
      answer.remote = outcome.ok ? { ok: true } : { ok: false, detail: outcome.detail };
      if (outcome.ok) {
        answer.results = merge(stored, outcome.results, limit);
        // AniList's matches may be stored even when the store ranked them below the limit.
        await Promise.all(
          answer.results.filter((r) => !r.stored).map(async (r) => (r.stored = (await deps.store.anime.get(r.id)) !== undefined)),
        );
      }
    }
    return c.json(answer, 200);
  });
}

function fromStore(anime: StoredAnime): SearchResult {
  return {
    id: anime.id,
    idMal: anime.idMal,
    title: displayTitle(anime.title, anime.id),
    format: anime.format,
    seasonYear: anime.seasonYear,
    coverImage: anime.coverImage,
    stored: true,
  };
}

/** Stored matches keep their places; AniList's follow, minus those already listed. */
function merge(stored: SearchResult[], remote: SearchResult[], limit: number): SearchResult[] {
  const seen = new Set(stored.map((r) => r.id));
  return [...stored, ...remote.filter((r) => !seen.has(r.id))].slice(0, limit);
}

type RemoteOutcome = { ok: true; results: SearchResult[] } | { ok: false; detail: string };

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
    const found = await searchRemote(q, signal, charge);
    return { ok: true, results: found.map((r) => ({ ...r, stored: false })) };
  } catch (error) {
    // Over the client's limit: a 429 like any other spending, not a failed search.
    if (error instanceof HttpProblem) throw error;
    // A search page is still useful with stored matches only; the failure is said, not hidden.
    logger.warn({ err: error, q }, 'remote search failed');
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
