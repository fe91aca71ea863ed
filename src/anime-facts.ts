import { z } from 'zod';

/**
 * Facts about an entry that pass from AniList to the API unchanged: the catalog file holds
 * them as AniList gave them, the store keeps them as they come, and the API answers them
 * as stored. One list, so the catalog's schema and the API's cannot drift apart on them.
 */
export const animeFactFields = {
  season: z.string().nullable(),
  seasonYear: z.number().int().nullable(),
  episodes: z.number().int().nullable(),
  duration: z.number().int().nullable(),
  source: z.string().nullable(),
  genres: z.array(z.string()),
  tags: z.array(z.string()),
};
