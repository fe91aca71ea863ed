import type { AniListClient } from '../upstream/anilist/anilist-client.ts';
import type { RemoteSearch } from './app-deps.ts';

/** AniList's title search as `GET /api/search?remote=true` wants it. */
export function anilistRemoteSearch(anilist: Pick<AniListClient, 'search'>): RemoteSearch {
  return async (query, signal) => (await anilist.search(query, { signal })).map(({ anime }) => anime);
}
