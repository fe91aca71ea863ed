import type { Titles } from './anime.ts';
import { normaliseTitle } from './title.ts';

/**
 * How one of a candidate's titles meets the query, both folded by normaliseTitle:
 * - exact: a title or synonym is the query (a symbol the fold drops must be typed too: "gundam"
 *   is not exactly "∀ Gundam", nor "gintama" "Gintama°", but still their prefix);
 * - prefix: a title starts with it ("fate" -> "Fate/Zero", "attack on tit" -> "Attack on Titan");
 * - word: it starts a later word of a title ("titan" -> "Attack on Titan");
 * - partial: it sits inside a word ("monogatari" -> "Bakemonogatari"), or every word of
 *   it is somewhere in one title ("titan attack");
 * - none: AniList matched on something else (a title in a script we fold differently).
 */
export const TITLE_MATCHES = ['exact', 'prefix', 'word', 'partial', 'none'] as const;
export type TitleMatch = (typeof TITLE_MATCHES)[number];

/** What ranking needs of an entry: any stored anime or AniList answer fits. */
export interface TitleCandidate {
  id: number;
  title: Titles;
  synonyms: readonly string[];
  format: string | null;
  /** Minutes per episode; tells an ONA series from ONA shorts. */
  duration: number | null;
  popularity: number | null;
  averageScore: number | null;
}

export interface RankedCandidate<T extends TitleCandidate> {
  candidate: T;
  match: TitleMatch;
  /** Only a synonym reached the match, none of the main titles. */
  bySynonym: boolean;
}

const MATCH_ORDER: Record<TitleMatch, number> = { exact: 0, prefix: 1, word: 2, partial: 3, none: 4 };
/** How ranking weighs a match: a prefix and a whole word count the same ("Neon Genesis Evangelion" is as meant by "evangelion" as "Evangelion: 1.0"). */
const MATCH_LEVEL: Record<TitleMatch, number> = { exact: 0, prefix: 1, word: 1, partial: 2, none: 3 };

/** An ONA or film this long (minutes per episode) is a series or a feature; shorter ones are shorts. */
const SERIES_EPISODE_MINUTES = 15;

/** The best match among the candidate's titles and synonyms. */
export function titleMatch(query: string, candidate: Pick<TitleCandidate, 'title' | 'synonyms'>): TitleMatch {
  return bestMatch(query, candidate).match;
}

/** The best match, and whether only a synonym reached it (an exact main title ranks before an exact synonym). */
function bestMatch(query: string, candidate: Pick<TitleCandidate, 'title' | 'synonyms'>): { match: TitleMatch; bySynonym: boolean } {
  const wanted = normaliseTitle(query);
  let best: { match: TitleMatch; bySynonym: boolean } = { match: 'none', bySynonym: true };
  if (!wanted) return best;
  const words = wanted.split(' ');
  const typed = new Set(symbolsOf(query));
  const { romaji, english, native } = candidate.title;
  const titles = [romaji, english, native].map((raw) => ({ raw, bySynonym: false }));
  for (const raw of candidate.synonyms) titles.push({ raw, bySynonym: true });
  for (const { raw, bySynonym } of titles) {
    if (!raw) continue;
    let match = matchOne(wanted, words, normaliseTitle(raw));
    if (match === 'exact' && !symbolsOf(raw).every((s) => typed.has(s))) match = 'prefix';
    // Titles come before synonyms, so a synonym only wins with a strictly better match.
    if (MATCH_ORDER[match] < MATCH_ORDER[best.match]) best = { match, bySynonym };
  }
  return best;
}

/** Symbols (math, currency, marks like ∀ ° ☆ ♪) that normaliseTitle folds away. */
function symbolsOf(text: string): string[] {
  return text.match(/\p{S}/gu) ?? [];
}

function matchOne(wanted: string, words: string[], title: string): TitleMatch {
  if (!title) return 'none';
  if (title === wanted) return 'exact';
  if (title.startsWith(wanted)) return 'prefix';
  if (` ${title}`.includes(` ${wanted}`)) return 'word';
  if (title.includes(wanted)) return 'partial';
  if (words.length > 1 && words.every((w) => title.includes(w))) return 'partial';
  return 'none';
}

/** A title someone meant rather than a passing resemblance: the page asks AniList when the store has none. */
export function isGoodMatch(match: TitleMatch): boolean {
  return match === 'exact' || match === 'prefix' || match === 'word';
}

/**
 * What a person means by a title, as a class (lower first): a TV series, a feature film or
 * a full-length ONA series; then shorts (TV shorts, ONA shorts, short films); then extras
 * (OVAs, specials, unknown formats); then music videos.
 */
export function formatClass(format: string | null, duration: number | null): number {
  switch (format) {
    case 'TV':
      return 0;
    case 'MOVIE':
      // A film of unknown length is taken as a feature; AniList leaves many durations empty.
      return duration !== null && duration < SERIES_EPISODE_MINUTES ? 1 : 0;
    case 'ONA':
      return duration !== null && duration >= SERIES_EPISODE_MINUTES ? 0 : 1;
    case 'TV_SHORT':
      return 1;
    case 'MUSIC':
      return 3;
    default:
      return 2;
  }
}

/**
 * Candidates best first, the one order the CLI, the API and the page share:
 * 1. a good match (exact, prefix or whole word) before a partial one, before none;
 * 2. among those, a series or film before a short, an extra or a music video;
 * 3. then exact before prefix or whole word, and a main title's match before a synonym's;
 * 4. then a series before a film (the franchise's spine before its films);
 * 5. then popularity, then average score, then the older (lower) AniList id.
 *
 * The format comes before exactness on purpose: "fate" is exactly a synonym of a music
 * video (AniList 139074, "Destiny") and only the start of "Fate/Zero", yet someone who
 * types it means the series. Exactness still decides between two series ("Attack on
 * Titan" over "Attack on Titan Season 2") and keeps a film over its TV remake's sequel.
 * Duplicates (same id) keep their first occurrence.
 */
export function rankByTitle<T extends TitleCandidate>(query: string, candidates: readonly T[]): RankedCandidate<T>[] {
  const seen = new Set<number>();
  const ranked: (RankedCandidate<T> & { key: number[] })[] = [];
  for (const candidate of candidates) {
    if (seen.has(candidate.id)) continue;
    seen.add(candidate.id);
    const { match, bySynonym } = bestMatch(query, candidate);
    const strength = isGoodMatch(match) ? 0 : match === 'partial' ? 1 : 2;
    ranked.push({
      candidate,
      match,
      bySynonym,
      key: [
        strength,
        formatClass(candidate.format, candidate.duration),
        MATCH_LEVEL[match],
        match === 'exact' && bySynonym ? 1 : 0,
        candidate.format === 'MOVIE' ? 1 : 0,
        -(candidate.popularity ?? 0),
        -(candidate.averageScore ?? 0),
        candidate.id,
      ],
    });
  }
  ranked.sort((a, b) => compareKeys(a.key, b.key));
  return ranked.map(({ candidate, match, bySynonym }) => ({ candidate, match, bySynonym }));
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
