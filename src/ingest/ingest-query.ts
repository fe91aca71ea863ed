import { InputError } from '../errors.ts';

/** What a user typed to name an anime, once read: an AniList id, a MAL id, or a title to search. */
export type IngestQuery =
  | { kind: 'anilist'; id: number }
  | { kind: 'mal'; malId: number }
  | { kind: 'title'; title: string };

/** AniList and MAL ids are positive 32-bit integers; anything larger cannot name an entry. */
const MAX_ID = 2 ** 31 - 1;
/** Longer than any real title (AniList's longest are ~250 characters); Jikan refuses q over 255. */
const MAX_TITLE_CHARS = 255;

/**
 * Reads `<AniList id | mal:ID | title>`. A bare number is an AniList id, because that is
 * what the API and page link by; `mal:` is explicit since the two id spaces overlap.
 * Throws InputError naming the query when it cannot name anything.
 */
export function parseIngestQuery(raw: string): IngestQuery {
  const query = raw.normalize('NFC').trim();
  if (query.length === 0) throw new InputError('query is empty: give a title, an AniList id or mal:<id>', 'query');
  if (/[\u0000-\u001f\u007f]/.test(query)) throw new InputError(`query ${JSON.stringify(raw)} contains control characters`, 'query');
  const mal = /^mal:\s*(.*)$/i.exec(query);
  if (mal) return { kind: 'mal', malId: parseId(mal[1] ?? '', raw, 'a MAL id') };
  if (/^[+-]?\d+$/.test(query)) return { kind: 'anilist', id: parseId(query, raw, 'an AniList id') };
  if (query.length > MAX_TITLE_CHARS) {
    throw new InputError(`query is ${query.length} characters long; a title has at most ${MAX_TITLE_CHARS}`, 'query');
  }
  if (!/[\p{L}\p{N}]/u.test(query)) throw new InputError(`query ${JSON.stringify(raw)} has no letters or digits to search for`, 'query');
  return { kind: 'title', title: query };
}

function parseId(text: string, raw: string, what: string): number {
  const id = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_ID) {
    throw new InputError(`query ${JSON.stringify(raw)} is not ${what}: expected a whole number 1-${MAX_ID}`, 'query');
  }
  return id;
}

/** The canonical text of a query, as stored in a job's payload. */
export function formatIngestQuery(query: IngestQuery): string {
  if (query.kind === 'anilist') return String(query.id);
  if (query.kind === 'mal') return `mal:${query.malId}`;
  return query.title;
}
