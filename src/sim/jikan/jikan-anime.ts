import type { CatalogMal } from '../../catalog/catalog.ts';
import { malImageUrls } from '../covers/cover-urls.ts';
import type { DerivedFigures } from '../derived-figures.ts';
import type { FaultPlan } from '../fault-plan.ts';
import { hostileDescription } from '../script-payload.ts';
import { stableHash } from '../seeded-random.ts';

// MyAnimeList splits what the catalog keeps as one list into genres, explicit genres, demographics and themes.
const GENRES = new Set([
  'Action', 'Adventure', 'Avant Garde', 'Award Winning', 'Boys Love', 'Comedy', 'Drama', 'Fantasy', 'Girls Love',
  'Gourmet', 'Horror', 'Mystery', 'Romance', 'Sci-Fi', 'Slice of Life', 'Sports', 'Supernatural', 'Suspense',
]);
const EXPLICIT_GENRES = new Set(['Ecchi', 'Erotica', 'Hentai']);
const DEMOGRAPHICS = new Set(['Josei', 'Kids', 'Seinen', 'Shoujo', 'Shounen']);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SERIES_TYPES = new Set(['TV', 'ONA', 'OVA', 'Special', 'TV Special']);

const slug = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, '_').replace(/^_+|_+$/g, '');
/** MAL ids for genres, studios and producers are not in the catalog; a stable hash stands in. */
const pseudoId = (kind: string, name: string) => (stableHash(kind, name) % 99_999) + 1;

function named(kind: 'genre' | 'producer', names: string[]) {
  return names.map((name) => {
    const id = pseudoId(kind, name);
    return { mal_id: id, type: 'anime', name, url: `https://myanimelist.net/anime/${kind}/${id}/${slug(name)}` };
  });
}

/** MAL's image sets at the simulator's generated covers; the webp set names the same PNGs (no webp encoder here). */
function images(origin: string, malId: number) {
  const urls = malImageUrls(origin, malId);
  return { jpg: urls, webp: { ...urls } };
}

function dateParts(iso: string | null) {
  if (!iso) return { day: null, month: null, year: null };
  const d = new Date(iso);
  return { day: d.getUTCDate(), month: d.getUTCMonth() + 1, year: d.getUTCFullYear() };
}

function airedString(entry: CatalogMal): string {
  const show = (iso: string) => {
    const p = dateParts(iso);
    return `${MONTHS[p.month! - 1]} ${p.day}, ${p.year}`;
  };
  const { from, to } = entry.aired;
  if (!from) return 'Not available';
  if (to === from) return show(from);
  if (!to) return entry.status === 'Finished Airing' ? show(from) : `${show(from)} to ?`;
  return `${show(from)} to ${show(to)}`;
}

function durationString(entry: CatalogMal): string {
  const minutes = entry.duration_minutes;
  if (minutes === null || minutes <= 0) return 'Unknown';
  let text: string;
  if (minutes < 1) text = `${Math.round(minutes * 60)} sec`;
  else if (minutes >= 60) text = `${Math.floor(minutes / 60)} hr${minutes % 60 ? ` ${Math.round(minutes % 60)} min` : ''}`;
  else text = `${Math.round(minutes)} min`;
  const perEpisode = entry.type !== null && SERIES_TYPES.has(entry.type) && entry.episodes !== 1;
  return perEpisode ? `${text} per ep` : text;
}

/** Jikan's anime object (as `/anime/{id}` and search answer it) from a catalog MAL record. */
export function jikanAnime(entry: CatalogMal, figures: DerivedFigures, faults: FaultPlan, origin: string) {
  const id = entry.mal_id;
  const title = entry.title ?? `#${id}`;
  const titles = [
    { type: 'Default', title },
    ...entry.title_synonyms.map((t) => ({ type: 'Synonym', title: t })),
    ...(entry.title_japanese ? [{ type: 'Japanese', title: entry.title_japanese }] : []),
    ...(entry.title_english ? [{ type: 'English', title: entry.title_english }] : []),
  ];
  const synopsis = faults.affects('script', 'jikan', id)
    ? hostileDescription({ romaji: entry.title, english: entry.title_english, native: entry.title_japanese }, id)
    : entry.synopsis;
  const broadcast = entry.broadcast ?? { day: null, time: null, timezone: null };
  return {
    mal_id: id,
    url: `https://myanimelist.net/anime/${id}/${slug(title)}`,
    images: images(origin, id),
    trailer: {
      youtube_id: null,
      url: null,
      embed_url: null,
      images: { image_url: null, small_image_url: null, medium_image_url: null, large_image_url: null, maximum_image_url: null },
    },
    approved: true,
    titles,
    title,
    title_english: entry.title_english,
    title_japanese: entry.title_japanese,
    title_synonyms: entry.title_synonyms,
    type: entry.type,
    source: entry.source,
    episodes: entry.episodes,
    status: entry.status,
    airing: entry.airing ?? false,
    aired: {
      from: entry.aired.from,
      to: entry.aired.to,
      prop: { from: dateParts(entry.aired.from), to: dateParts(entry.aired.to) },
      string: airedString(entry),
    },
    duration: durationString(entry),
    rating: entry.rating,
    score: entry.score,
    scored_by: figures.scoredBy(id),
    rank: figures.rank(id),
    popularity: figures.popularity(id),
    members: figures.members(id),
    favorites: figures.favorites(id),
    synopsis,
    background: null,
    season: entry.season,
    year: entry.year,
    broadcast: {
      ...broadcast,
      string: broadcast.day ? `${broadcast.day} at ${broadcast.time ?? '?'} (${broadcast.timezone === 'Asia/Tokyo' ? 'JST' : (broadcast.timezone ?? '?')})` : null,
    },
    producers: named('producer', entry.producers),
    licensors: [],
    studios: named('producer', entry.studios),
    genres: named('genre', entry.genres.filter((g) => GENRES.has(g))),
    explicit_genres: named('genre', entry.genres.filter((g) => EXPLICIT_GENRES.has(g))),
    themes: named('genre', entry.genres.filter((g) => !GENRES.has(g) && !EXPLICIT_GENRES.has(g) && !DEMOGRAPHICS.has(g))),
    demographics: named('genre', entry.genres.filter((g) => DEMOGRAPHICS.has(g))),
  };
}

// The `label` fault: labels MyAnimeList uses that code written against the common set may not know.
const OTHER_LABELS: Record<string, string> = {
  'alternative version': 'Alternative setting',
  'parent story': 'Full story',
  other: 'Same setting',
};

const titleCase = (label: string) => label.replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());

/** `/full`'s and `/relations`' relation groups, with the `label` and `casing` content faults applied per entry. */
export function jikanRelations(entry: CatalogMal, faults: FaultPlan, seed: number) {
  const relabel = faults.affects('label', 'jikan', entry.mal_id);
  // Each affected entry gets one casing era: "Side Story" (title case) or "SIDE STORY" (upper), stable per seed.
  const recase = faults.affects('casing', 'jikan', entry.mal_id) ? (stableHash(seed, 'casing-style', entry.mal_id) % 2 ? 'upper' : 'title') : null;
  return entry.relations.map((group) => {
    let relation = relabel ? (OTHER_LABELS[group.relation.toLowerCase()] ?? group.relation) : group.relation;
    if (recase === 'upper') relation = relation.toUpperCase();
    else if (recase === 'title') relation = titleCase(relation);
    return {
      relation,
      entry: group.entry.map((e) => ({ ...e, url: `https://myanimelist.net/${e.type === 'manga' ? 'manga' : 'anime'}/${e.mal_id}/${slug(e.name)}` })),
    };
  });
}

/** `/anime/{id}/full`: the anime plus relations, theme songs, external links and streaming (the last three empty). */
export function jikanFullAnime(entry: CatalogMal, figures: DerivedFigures, faults: FaultPlan, seed: number, origin: string) {
  return {
    ...jikanAnime(entry, figures, faults, origin),
    relations: jikanRelations(entry, faults, seed),
    theme: { openings: [], endings: [] },
    external: [],
    streaming: [],
  };
}
