import type { AniListClient, FetchMediaOptions } from '../../src/upstream/anilist/anilist-client.ts';

type MediaFetcher = Pick<AniListClient, 'fetchMedia'>;

/**
 * Wraps `inner` to count the round trips on a discovery's critical path: a request's round
 * is one more than the latest round that had returned when it was sent. `rounds()` is the
 * longest chain so far.
 */
export function roundCounting(inner: MediaFetcher): { anilist: MediaFetcher; rounds(): number } {
  let returned = 0;
  const anilist: MediaFetcher = {
    fetchMedia(ids: number[], options: FetchMediaOptions = {}) {
      const round = returned + 1;
      return inner.fetchMedia(ids, {
        ...options,
        onBatch: (part) => {
          returned = Math.max(returned, round);
          options.onBatch?.(part);
        },
      });
    },
  };
  return { anilist, rounds: () => returned };
}
