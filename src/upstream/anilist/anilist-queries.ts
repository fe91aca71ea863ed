/** Every Media field Tsunagu stores, relations aside. */
const STORED_FIELDS = `
  id idMal type format status(version: 2)
  title { romaji english native }
  synonyms
  description(asHtml: false)
  startDate { year month day }
  endDate { year month day }
  season seasonYear episodes duration
  source(version: 3)
  genres
  tags { name rank isMediaSpoiler }
  averageScore popularity
  coverImage { extraLarge large medium color }
  bannerImage
  studios(isMain: true) { nodes { name } }
  isAdult updatedAt`;

/** What the franchise walk reads of an entry besides its edges (see WalkEntry). */
const WALK_FIELDS = 'id idMal type format status(version: 2) title { romaji english native } startDate { year month day }';

/** An edge's far end when its own edges are not asked for: the type tells anime from manga. */
const NODE_ID = 'id type';

/** Edges as nested levels ask them: no edge id nor node details, as the answer repeats every node once per edge to it. */
const edges = (node: string) => `relations { edges { relationType(version: 2) node { ${node} } } }`;

/**
 * Every Media field Tsunagu stores. About 60 complexity points, far under AniList's 500,
 * and a Page's list is not multiplied by perPage, so 50 ids fit in one request.
 */
export const MEDIA_FIELDS = `
fragment media on Media {${STORED_FIELDS}
  relations { edges { id relationType(version: 2) node { id idMal type format status(version: 2) } } }
}`;

/** The most relation levels one request may ask (see mediaByIdsQuery). */
export const MAX_RELATION_DEPTH = 3;

/**
 * Media by id with their relations `depth` levels deep (1: each entry's own edges, as
 * MEDIA_FIELDS asks). The entries' neighbours come with every stored field and their own
 * edges (so a neighbour that proves to be a member needs no request of its own); nodes
 * further out come with what the walk reads (titles, format, edges) and are fetched in full
 * only if they prove to be members. AniList counts one complexity point per field selected,
 * lists not multiplied, so a level costs its fields once (54, 96 and 109 points for depths
 * 1-3; complexity alone would allow about 30 levels). What binds is the answer: every node
 * comes once per edge to it, so a hub's record returns once per neighbour, and the answer
 * grows about (edges per entry)^depth. Measured on the simulator for Gundam's 49 first-level
 * entries: 88 kB at depth 1, 0.6 MB at 2, 2.8 MB at 3, 48 MB at 4 (see docs/discovery.md).
 */
export function mediaByIdsQuery(depth: number): string {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_RELATION_DEPTH) {
    throw new TypeError(`Expected \`depth\` to be an integer from 1 to ${MAX_RELATION_DEPTH}, got \`${depth}\` (${typeof depth})`);
  }
  if (depth === 1) return MEDIA_BY_IDS;
  let node = NODE_ID;
  for (let level = depth - 1; level >= 1; level--) node = `${level === 1 ? '...stored' : WALK_FIELDS} ${edges(node)}`;
  return `query MediaByIdsNested($ids: [Int], $perPage: Int) {
  Page(page: 1, perPage: $perPage) { media(id_in: $ids, type: ANIME) { ...stored ${edges(node)} } }
}
fragment stored on Media {${STORED_FIELDS}
}`;
}

export const MEDIA_BY_IDS = `query MediaByIds($ids: [Int], $perPage: Int) {
  Page(page: 1, perPage: $perPage) { media(id_in: $ids, type: ANIME) { ...media } }
}
${MEDIA_FIELDS}`;

export const MEDIA_SEARCH = `query MediaSearch($search: String, $perPage: Int) {
  Page(page: 1, perPage: $perPage) { media(search: $search, type: ANIME, sort: SEARCH_MATCH) { ...media } }
}
${MEDIA_FIELDS}`;

export const MEDIA_BY_MAL_ID = `query MediaByMalId($idMal: Int) {
  Media(idMal: $idMal, type: ANIME) { ...media }
}
${MEDIA_FIELDS}`;

/**
 * One page of the catalog under a filter, for `tsunagu sync`. Only `hasNextPage` is read of
 * pageInfo: AniList caps `total` (and `lastPage`) at its 5,000-result limit.
 */
export const CATALOG_PAGE = `query CatalogPage($page: Int, $perPage: Int, $sort: [MediaSort], $startDate_greater: FuzzyDateInt, $status: MediaStatus, $genre_in: [String], $genre_not_in: [String]) {
  Page(page: $page, perPage: $perPage) {
    pageInfo { hasNextPage }
    media(type: ANIME, sort: $sort, startDate_greater: $startDate_greater, status: $status, genre_in: $genre_in, genre_not_in: $genre_not_in) { ...media }
  }
}
${MEDIA_FIELDS}`;
