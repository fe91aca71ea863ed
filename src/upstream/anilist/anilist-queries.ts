/**
 * Every Media field Tsunagu stores. About 60 complexity points, far under AniList's 500,
 * and a Page's list is not multiplied by perPage, so 50 ids fit in one request.
 */
export const MEDIA_FIELDS = `
fragment media on Media {
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
  isAdult updatedAt
  relations { edges { id relationType(version: 2) node { id idMal type format status(version: 2) } } }
}`;

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
