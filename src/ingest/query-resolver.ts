import { displayTitle, type Anime } from '../domain/anime.ts';
import { formatClass, rankByTitle, type RankedCandidate, type TitleCandidate } from '../domain/title-ranking.ts';
import { NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { AniListClient, AniListEntry } from '../upstream/anilist/anilist-client.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import type { EntryLoader } from './entry-loader.ts';
import type { IngestQuery } from './ingest-query.ts';
import type { JobView, ResolutionPick } from './ingest-service.ts';

/** Other candidates named beside the chosen one ("Did you mean"). */
const ALTERNATIVES = 5;
/** Stored matches ranked beside AniList's: enough that the store's own order (exact, prefix, contains) cannot hide a series behind its extras. */
const STORE_CANDIDATES = 25;

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
  /** True while a synced catalog answers alone: what it does not hold, AniList does not list. */
  mirror?: () => Promise<boolean>;
}

/**
 * Turns a query into a stored AniList entry: the store first (no request when it knows the
 * entry), then AniList. A title's candidates, stored and AniList's, are ranked by
 * `rankByTitle` (src/domain/title-ranking.ts), the order the API and the page use too.
 * Throws NotFoundError when nothing matches, UpstreamError when AniList could not be asked
 * and the store had nothing.
 */
export async function resolveQuery(query: IngestQuery, deps: QueryResolverDeps): Promise<Resolved> {
  if (query.kind === 'anilist') {
    if (await deps.store.anime.get(query.id)) return { rootId: query.id };
    if (await deps.mirror?.()) throw new NotFoundError(`the synced AniList catalog has no anime with id ${query.id}`);
    if (await deps.loader.load(query.id)) return { rootId: query.id };
    throw new NotFoundError(`AniList has no anime with id ${query.id}`);
  }
  if (query.kind === 'mal') {
    const stored = await deps.store.anime.findByMalId(query.malId);
    if (stored) return { rootId: stored.id };
    if (await deps.mirror?.()) throw new NotFoundError(`the synced AniList catalog has no anime linked to MAL id ${query.malId}`);
    const entry = await deps.anilist.fetchByMalId(query.malId, { priority: 'interactive' });
    if (!entry) throw new NotFoundError(`AniList has no anime linked to MAL id ${query.malId}`);
    await deps.store.saveBatch([entry.anime], entry.relations);
    return { rootId: entry.anime.id };
  }
  return resolveTitle(query.title, deps);
}

async function resolveTitle(title: string, deps: QueryResolverDeps): Promise<Resolved> {
  const stored = (await deps.store.anime.search(title, STORE_CANDIDATES)).map((anime) => ({ anime, relations: null }));
  const storedRanked = rankByTitle(title, stored.map(asCandidate));
  // A stored series or film whose own title is exactly this one comes first in any ranking
  // AniList's answer could join (short of a more popular namesake), so no request is spent.
  const top = storedRanked[0];
  if (top?.match === 'exact' && !top.bySynonym && formatClass(top.candidate.format, top.candidate.duration) === 0) return chosen(storedRanked);
  if (await deps.mirror?.()) {
    if (!top) throw new NotFoundError(`no anime in the synced catalog matches ${JSON.stringify(title)}`);
    return chosen(storedRanked);
  }
  let found: AniListEntry[];
  try {
    found = await deps.anilist.search(title, { priority: 'interactive' });
  } catch (error) {
    if (!(error instanceof UpstreamError) || stored.length === 0) throw error;
    deps.logger.warn({ title, err: error }, 'AniList search failed; using the best stored match');
    return chosen(storedRanked);
  }
  // AniList's answer first: where an entry is in both, its fresh record is the one ranked.
  const ranked = rankByTitle(title, [...found, ...stored].map(asCandidate));
  const best = ranked[0]?.candidate;
  if (!best) throw new NotFoundError(`no anime matches ${JSON.stringify(title)}`);
  if (best.relations) await deps.store.saveBatch([best.anime], best.relations);
  return chosen(ranked);
}

/** A stored entry (no relations to save) or an AniList answer, ranked by its anime. */
type Found = { anime: Anime; relations: AniListEntry['relations'] | null };

function asCandidate(found: Found): TitleCandidate & Found {
  return { ...found.anime, anime: found.anime, relations: found.relations };
}

function chosen(ranked: RankedCandidate<TitleCandidate & Found>[]): Resolved {
  const [first, ...rest] = ranked.map((r) => r.candidate.anime);
  return { rootId: first!.id, resolution: { chosen: pick(first!), alternatives: rest.slice(0, ALTERNATIVES).map(pick) } };
}

function pick(anime: Anime): ResolutionPick {
  return { id: anime.id, title: displayTitle(anime.title, anime.id), format: anime.format, year: anime.seasonYear ?? anime.startDate.year };
}
