import { displayTitle, type Anime } from '../domain/anime.ts';
import { normaliseTitle } from '../domain/title.ts';
import { NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { AniListClient } from '../upstream/anilist/anilist-client.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import type { EntryLoader } from './entry-loader.ts';
import type { IngestQuery } from './ingest-query.ts';
import type { JobView } from './ingest-service.ts';

/** Other candidates named beside the chosen one. */
const ALTERNATIVES = 5;

export interface Resolved {
  /** The AniList id the query names; the entry is stored when this returns. */
  rootId: number;
  /** For a title: what was chosen and what else matched. */
  resolution?: NonNullable<JobView['resolution']>;
}

export interface QueryResolverDeps {
  store: Pick<Store, 'anime' | 'saveBatch'>;
  anilist: Pick<AniListClient, 'search' | 'fetchByMalId'>;
  loader: EntryLoader;
  logger: Logger;
}

/**
 * Turns a query into a stored AniList entry: the store first (no request when it knows the
 * entry), then AniList. Throws NotFoundError when nothing matches, UpstreamError when
 * AniList could not be asked and the store had nothing.
 */
export async function resolveQuery(query: IngestQuery, deps: QueryResolverDeps): Promise<Resolved> {
  if (query.kind === 'anilist') {
    if (await deps.store.anime.get(query.id)) return { rootId: query.id };
    if (await deps.loader.load(query.id)) return { rootId: query.id };
    throw new NotFoundError(`AniList has no anime with id ${query.id}`);
  }
  if (query.kind === 'mal') {
    const stored = await deps.store.anime.findByMalId(query.malId);
    if (stored) return { rootId: stored.id };
    const entry = await deps.anilist.fetchByMalId(query.malId, { priority: 'interactive' });
    if (!entry) throw new NotFoundError(`AniList has no anime linked to MAL id ${query.malId}`);
    await deps.store.saveBatch([entry.anime], entry.relations);
    return { rootId: entry.anime.id };
  }
  return resolveTitle(query.title, deps);
}

async function resolveTitle(title: string, deps: QueryResolverDeps): Promise<Resolved> {
  const wanted = normaliseTitle(title);
  const stored = await deps.store.anime.search(title, ALTERNATIVES + 1);
  // A stored exact title is the answer AniList would give too; a partial stored match may
  // only mean the entry asked for has not been ingested yet, so AniList decides then.
  if (stored.length > 0 && hasTitle(stored[0]!, wanted)) return chosen(stored);
  let candidates;
  try {
    candidates = await deps.anilist.search(title, { priority: 'interactive' });
  } catch (error) {
    if (!(error instanceof UpstreamError) || stored.length === 0) throw error;
    deps.logger.warn({ title, err: error }, 'AniList search failed; using the best stored match');
    return chosen(stored);
  }
  if (candidates.length === 0) {
    if (stored.length > 0) return chosen(stored);
    throw new NotFoundError(`no anime matches ${JSON.stringify(title)}`);
  }
  const best = candidates[0]!;
  await deps.store.saveBatch([best.anime], best.relations);
  return chosen(candidates.map((c) => c.anime));
}

function chosen(ranked: Anime[]): Resolved {
  const [first, ...rest] = ranked;
  const named = (a: Anime) => ({ id: a.id, title: displayTitle(a.title, a.id) });
  return { rootId: first!.id, resolution: { chosen: named(first!), alternatives: rest.slice(0, ALTERNATIVES).map(named) } };
}

function hasTitle(anime: Anime, wanted: string): boolean {
  return [anime.title.romaji, anime.title.english, anime.title.native, ...anime.synonyms].some((t) => t !== null && normaliseTitle(t) === wanted);
}
