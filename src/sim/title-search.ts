import { normaliseTitle } from '../domain/title.ts';

/** How well a title matches: higher is better; 0 is no match. */
export const MATCH = { exact: 4, prefix: 3, contains: 2, allWords: 1, none: 0 } as const;

function tier(query: string, words: string[], key: string): number {
  if (key === query) return MATCH.exact;
  if (key.startsWith(query)) return MATCH.prefix;
  if (key.includes(query)) return MATCH.contains;
  // Word order differs ("titan attack"): still a match, ranked below any substring hit.
  if (words.length > 1 && words.every((w) => key.includes(w))) return MATCH.allWords;
  return MATCH.none;
}

/**
 * Best match tier per id for `query` over an index of normalised titles (every title and synonym),
 * so case, diacritics and punctuation never matter. An empty query matches nothing.
 */
export function searchTitles(index: ReadonlyMap<string, readonly number[]>, query: string): Map<number, number> {
  const folded = normaliseTitle(query);
  const found = new Map<number, number>();
  if (!folded) return found;
  const words = folded.split(' ');
  for (const [key, ids] of index) {
    const score = tier(folded, words, key);
    if (score === MATCH.none) continue;
    for (const id of ids) if ((found.get(id) ?? 0) < score) found.set(id, score);
  }
  return found;
}

/** Builds the normalised-title index searchTitles reads. */
export function indexTitles(entries: Iterable<{ id: number; titles: (string | null)[] }>): Map<string, number[]> {
  const index = new Map<string, number[]>();
  for (const { id, titles } of entries) {
    for (const key of new Set(titles.filter((t): t is string => !!t).map(normaliseTitle))) {
      if (!key) continue;
      const ids = index.get(key);
      if (ids) ids.push(id);
      else index.set(key, [id]);
    }
  }
  return index;
}
