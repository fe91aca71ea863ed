import { malImageUrls, type CoverKind } from '../covers/cover-urls.ts';
import type { CompanyIds } from '../company-ids.ts';
import type { DerivedFigures } from '../derived-figures.ts';
import type { FaultPlan } from '../fault-plan.ts';
import type { SourceWorks } from '../source-works.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { malGenresOf, type GenreGroup } from './mal-genres.ts';

/** What every Jikan answer of one request reads. */
export interface JikanContext {
  catalog: Catalog;
  works: SourceWorks;
  figures: DerivedFigures;
  companies: CompanyIds;
  faults: FaultPlan;
  seed: number;
  /** The simulator's origin as the client reached it, for image URLs. */
  origin: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export const slug = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, '_').replace(/^_+|_+$/g, '');

/** MAL's image sets at the simulator's generated covers; the webp set names the same PNGs (no webp encoder here). */
export function malImages(origin: string, malId: number, kind: CoverKind) {
  const urls = malImageUrls(origin, malId, kind);
  return { jpg: urls, webp: { ...urls } };
}

/**
 * Jikan writes every date as ISO 8601 with a time and an offset ("1998-04-03T00:00:00+00:00"); the
 * catalog sometimes keeps a bare date, which is completed to midnight UTC.
 */
export function isoDate(value: string | null): string | null {
  if (!value) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00+00:00`;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : `${date.toISOString().slice(0, 19)}+00:00`;
}

export function dateParts(iso: string | null) {
  if (!iso) return { day: null, month: null, year: null };
  const d = new Date(iso);
  return { day: d.getUTCDate(), month: d.getUTCMonth() + 1, year: d.getUTCFullYear() };
}

/** Jikan's `aired` / `published`: from, to, their parts and MAL's display string. */
export function dateRange(from: string | null, to: string | null, finished: boolean) {
  const show = (iso: string) => {
    const p = dateParts(iso);
    return `${MONTHS[p.month! - 1]} ${p.day}, ${p.year}`;
  };
  let string: string;
  if (!from) string = 'Not available';
  else if (to === from || (!to && finished)) string = show(from);
  else string = to ? `${show(from)} to ${show(to)}` : `${show(from)} to ?`;
  return { from, to, prop: { from: dateParts(from), to: dateParts(to) }, string };
}

/** "April 1998", for synopses. */
export function monthYear(iso: string | null): string | null {
  const p = dateParts(iso);
  return p.year === null ? null : `${MONTH_NAMES[p.month! - 1]} ${p.year}`;
}

/** Producers, studios and licensors as Jikan lists them, with the catalog's stable company ids. */
export function companies(ids: CompanyIds, names: readonly string[]) {
  return names.map((name) => {
    const id = ids.idOf(name);
    return { mal_id: id, type: 'anime', name, url: `https://myanimelist.net/anime/producer/${id}/${slug(name)}` };
  });
}

/** The four genre lists of a Jikan anime or manga, from MyAnimeList's genre table. */
export function genreLists(names: readonly string[], kind: CoverKind): Record<GenreGroup, { mal_id: number; type: string; name: string; url: string }[]> {
  const lists: Record<GenreGroup, { mal_id: number; type: string; name: string; url: string }[]> = { genres: [], explicit_genres: [], themes: [], demographics: [] };
  for (const genre of malGenresOf(names)) {
    lists[genre.group].push({ mal_id: genre.mal_id, type: kind, name: genre.name, url: `https://myanimelist.net/${kind}/genre/${genre.mal_id}/${slug(genre.name)}` });
  }
  return lists;
}

/** MAL's labels for AniList's relation types, as the catalog writes them. */
export const MAL_LABEL: Readonly<Record<string, string>> = {
  SOURCE: 'Adaptation',
  ADAPTATION: 'Adaptation',
  SPIN_OFF: 'Spin-off',
  SIDE_STORY: 'Side story',
  PARENT: 'Parent story',
  ALTERNATIVE: 'Alternative version',
  SEQUEL: 'Sequel',
  PREQUEL: 'Prequel',
  SUMMARY: 'Summary',
  CHARACTER: 'Character',
  OTHER: 'Other',
};

export interface RelationEntry {
  mal_id: number;
  type: 'anime' | 'manga';
  name: string;
  url: string;
}

export function relationEntry(type: 'anime' | 'manga', malId: number, name: string): RelationEntry {
  return { mal_id: malId, type, name, url: `https://myanimelist.net/${type}/${malId}/${slug(name)}` };
}

/** Adds an entry under a label, to the group of that label if there is one (MAL mixes anime and manga in a group). */
export function addToGroup(groups: { relation: string; entry: RelationEntry[] }[], label: string, entry: RelationEntry): void {
  const group = groups.find((g) => g.relation.toLowerCase() === label.toLowerCase());
  if (!group) groups.push({ relation: label, entry: [entry] });
  else if (!group.entry.some((e) => e.mal_id === entry.mal_id && e.type === entry.type)) group.entry.push(entry);
}

/** Jikan's statistics, split from the derived member count (the catalog has no list counts). */
export function statistics(members: number, kind: CoverKind) {
  const part = (share: number) => Math.round(members * share);
  const [current, completed, onHold, dropped] = [part(0.1), part(0.5), part(0.05), part(0.05)];
  const planned = members - current - completed - onHold - dropped;
  return kind === 'anime'
    ? { watching: current, completed, on_hold: onHold, dropped, plan_to_watch: planned, total: members, scores: [] }
    : { reading: current, completed, on_hold: onHold, dropped, plan_to_read: planned, total: members, scores: [] };
}
