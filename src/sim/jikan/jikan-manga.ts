import { countryOfOrigin } from '../anilist/media-fields.ts';
import type { SourceWork } from '../source-work.ts';
import { addToGroup, genreLists, MAL_LABEL, malImages, relationEntry, slug, type JikanContext, type RelationEntry } from './jikan-shared.ts';
import { withLabelFaults } from './jikan-anime.ts';

/** MyAnimeList's manga types for the kinds of source the simulator derives. */
export function malMangaType(work: SourceWork): string {
  if (work.sourceKind === 'LIGHT_NOVEL') return 'Light Novel';
  if (work.format === 'NOVEL') return 'Novel';
  const country = countryOfOrigin(work);
  return country === 'KR' ? 'Manhwa' : country === 'CN' ? 'Manhua' : 'Manga';
}

/** Jikan's manga object for a synthetic source work (`/manga/{id}`); its MAL id is work.idMal. */
export function jikanManga(work: SourceWork, ctx: JikanContext) {
  const id = work.idMal!;
  const title = work.title.romaji ?? work.title.english ?? work.title.native ?? `#${id}`;
  const titles = [
    { type: 'Default', title },
    ...(work.title.native ? [{ type: 'Japanese', title: work.title.native }] : []),
    ...(work.title.english ? [{ type: 'English', title: work.title.english }] : []),
  ];
  const publishing = work.status === 'RELEASING';
  return {
    mal_id: id,
    url: `https://myanimelist.net/manga/${id}/${slug(title)}`,
    images: malImages(ctx.origin, id, 'manga'),
    approved: true,
    titles,
    title,
    title_english: work.title.english,
    title_japanese: work.title.native,
    title_synonyms: [],
    type: malMangaType(work),
    chapters: null,
    volumes: null,
    status: publishing ? 'Publishing' : 'Finished',
    publishing,
    published: { from: null, to: null, prop: { from: { day: null, month: null, year: null }, to: { day: null, month: null, year: null } }, string: 'Not available' },
    score: null,
    scored: null,
    scored_by: null,
    rank: null,
    popularity: null,
    members: ctx.figures.members(id),
    favorites: ctx.figures.favorites(id),
    synopsis: work.description,
    background: null,
    authors: [],
    serializations: [],
    ...genreLists(work.genres, 'manga'),
  };
}

/** The work's relations as MyAnimeList groups them: its anime (those with a MAL page) and the other works. */
export function jikanMangaRelations(work: SourceWork, ctx: JikanContext) {
  const groups: { relation: string; entry: RelationEntry[] }[] = [];
  for (const edge of work.relations) {
    const label = MAL_LABEL[edge.relationType] ?? 'Other';
    const other = ctx.works.works.get(edge.id);
    const anime = other ? undefined : ctx.catalog.media.get(edge.id);
    const entry =
      other?.idMal != null
        ? relationEntry('manga', other.idMal, other.title.romaji ?? `#${other.idMal}`)
        : anime?.idMal != null && ctx.catalog.mal.has(anime.idMal)
          ? relationEntry('anime', anime.idMal, ctx.catalog.mal.get(anime.idMal)!.title ?? `#${anime.idMal}`)
          : null;
    if (entry) addToGroup(groups, label, entry);
  }
  return withLabelFaults(groups, work.idMal!, ctx);
}

export function jikanFullManga(work: SourceWork, ctx: JikanContext) {
  return { ...jikanManga(work, ctx), relations: jikanMangaRelations(work, ctx), external: [] };
}
