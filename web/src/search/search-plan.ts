import { isGoodMatch } from '../../../src/domain/title-ranking.ts';
import type { SearchResult } from '../api/api-types.ts';

// The decisions of the search page, apart from React so they can be read and tested alone.
// Results arrive ranked by the server (rankByTitle, the ranking `tsunagu discover` uses).

/** The store has what was meant: some result's title matches well. Otherwise AniList is asked. */
export function hasGoodMatch(results: readonly SearchResult[]): boolean {
  return results.some((r) => isGoodMatch(r.match));
}

/** The entry Enter opens: the first result, when its title matches well; else the list is shown to choose from. */
export function bestToOpen(results: readonly SearchResult[]): SearchResult | null {
  const [first] = results;
  return first && isGoodMatch(first.match) ? first : null;
}

/** What the franchise page offers as "Did you mean" after Enter opened the best match. */
export interface DidYouMean {
  query: string;
  alternatives: { id: number; title: string; format: string | null; seasonYear: number | null }[];
}

/** The results after the opened one that match at least partly, best first. */
export function didYouMean(query: string, results: readonly SearchResult[], opened: number, max = 5): DidYouMean {
  const alternatives = results
    .filter((r) => r.id !== opened && r.match !== 'none')
    .slice(0, max)
    .map(({ id, title, format, seasonYear }) => ({ id, title, format, seasonYear }));
  return { query, alternatives };
}

/** Reads a DidYouMean back from history state, which anything may have written. */
export function readDidYouMean(state: unknown): DidYouMean | null {
  const value = (state as { didYouMean?: unknown } | null)?.didYouMean as DidYouMean | undefined;
  if (!value || typeof value.query !== 'string' || !Array.isArray(value.alternatives)) return null;
  const alternatives = value.alternatives.filter((a) => Number.isInteger(a?.id) && typeof a?.title === 'string');
  return { query: value.query, alternatives };
}
