import type { CatalogMal } from '../../catalog/catalog.ts';
import { hostileDescription } from '../script-payload.ts';
import { stableHash } from '../seeded-random.ts';
import {
  addToGroup,
  companies,
  dateRange,
  genreLists,
  isoDate,
  MAL_LABEL,
  malImages,
  monthYear,
  relationEntry,
  slug,
  type JikanContext,
  type RelationEntry,
} from './jikan-shared.ts';

const SERIES_TYPES = new Set(['TV', 'ONA', 'OVA', 'Special', 'TV Special']);

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

const SOURCE_PHRASE: Record<string, string> = { Original: 'an original story', 'Visual novel': 'a visual novel', 'Light novel': 'a light novel', 'Web manga': 'a web manga', 'Web novel': 'a web novel', 'Mixed media': 'a mixed-media project' };

/**
 * The catalog keeps no synopses (MyAnimeList's text is not ours to copy), yet Jikan almost always
 * has one. So the simulator writes one neutral line from the facts it holds, marked as synthetic
 * so nobody takes it for MAL's text.
 */
export function syntheticSynopsis(entry: CatalogMal): string {
  const title = entry.title ?? `#${entry.mal_id}`;
  const kind = entry.type ? `${/^[AEIOU]/i.test(entry.type) ? 'an' : 'a'} ${entry.type}` : 'an';
  const episodes = entry.episodes && entry.episodes > 1 ? ` of ${entry.episodes} episodes` : '';
  const studios = entry.studios.length > 0 ? ` by ${entry.studios.join(' and ')}` : '';
  const source = entry.source && entry.source !== 'Unknown' ? `, based on ${SOURCE_PHRASE[entry.source] ?? `a ${entry.source.toLowerCase()}`}` : '';
  const from = monthYear(isoDate(entry.aired.from));
  const aired = from ? `, first aired in ${from}` : '';
  return `${title} is ${kind} anime${episodes}${studios}${source}${aired}. [Synthetic synopsis written by the Tsunagu simulator from catalog facts; not MyAnimeList's text.]`;
}

/** Jikan's anime object (as `/anime/{id}` and search answer it) from a catalog MAL record. */
export function jikanAnime(entry: CatalogMal, ctx: JikanContext) {
  const { figures } = ctx;
  const id = entry.mal_id;
  const title = entry.title ?? `#${id}`;
  const titles = [
    { type: 'Default', title },
    ...entry.title_synonyms.map((t) => ({ type: 'Synonym', title: t })),
    ...(entry.title_japanese ? [{ type: 'Japanese', title: entry.title_japanese }] : []),
    ...(entry.title_english ? [{ type: 'English', title: entry.title_english }] : []),
  ];
  const synopsis = ctx.faults.affects('script', 'jikan', id)
    ? hostileDescription({ romaji: entry.title, english: entry.title_english, native: entry.title_japanese }, id)
    : (entry.synopsis ?? syntheticSynopsis(entry));
  const broadcast = entry.broadcast ?? { day: null, time: null, timezone: null };
  return {
    mal_id: id,
    url: `https://myanimelist.net/anime/${id}/${slug(title)}`,
    images: malImages(ctx.origin, id, 'anime'),
    // The catalog has no trailers: Jikan's shape for an anime without one.
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
    aired: dateRange(isoDate(entry.aired.from), isoDate(entry.aired.to), entry.status === 'Finished Airing'),
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
    producers: companies(ctx.companies, entry.producers),
    licensors: [],
    studios: companies(ctx.companies, entry.studios),
    ...genreLists(entry.genres, 'anime'),
  };
}

// The `label` fault: labels MyAnimeList uses that code written against the common set may not know.
const OTHER_LABELS: Record<string, string> = {
  'alternative version': 'Alternative setting',
  'parent story': 'Full story',
  other: 'Same setting',
};

const titleCase = (label: string) => label.replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());

/**
 * `/full`'s and `/relations`' relation groups: the catalog's, plus the synthetic manga and novels
 * of the entry's AniList counterpart (MAL lists them in the same groups as type "manga"), with the
 * `label` and `casing` content faults applied per entry.
 */
export function jikanRelations(entry: CatalogMal, ctx: JikanContext) {
  const groups = entry.relations.map((group) => ({
    relation: group.relation,
    entry: group.entry.map((e) => relationEntry(e.type === 'manga' ? 'manga' : 'anime', e.mal_id, e.name)),
  }));
  const media = ctx.catalog.mediaByMalId.get(entry.mal_id);
  for (const edge of media ? ctx.works.edgesFrom(media.id) : []) {
    const work = ctx.works.works.get(edge.id)!;
    if (work.idMal !== null) addToGroup(groups, MAL_LABEL[edge.relationType] ?? 'Other', relationEntry('manga', work.idMal, work.title.romaji ?? `#${work.idMal}`));
  }
  return withLabelFaults(groups, entry.mal_id, ctx);
}

export function withLabelFaults(groups: { relation: string; entry: RelationEntry[] }[], malId: number, ctx: JikanContext) {
  const relabel = ctx.faults.affects('label', 'jikan', malId);
  // Each affected entry gets one casing era: "Side Story" (title case) or "SIDE STORY" (upper), stable per seed.
  const recase = ctx.faults.affects('casing', 'jikan', malId) ? (stableHash(ctx.seed, 'casing-style', malId) % 2 ? 'upper' : 'title') : null;
  return groups.map((group) => {
    let relation = relabel ? (OTHER_LABELS[group.relation.toLowerCase()] ?? group.relation) : group.relation;
    if (recase === 'upper') relation = relation.toUpperCase();
    else if (recase === 'title') relation = titleCase(relation);
    return { relation, entry: group.entry };
  });
}

/** `/anime/{id}/full`: the anime plus relations, theme songs, external links and streaming (the last three empty). */
export function jikanFullAnime(entry: CatalogMal, ctx: JikanContext) {
  return {
    ...jikanAnime(entry, ctx),
    relations: jikanRelations(entry, ctx),
    theme: { openings: [], endings: [] },
    external: [],
    streaming: [],
  };
}
