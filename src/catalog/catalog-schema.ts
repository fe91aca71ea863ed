import { z } from 'zod';
import { animeFactFields } from '../anime-facts.ts';

const fuzzyDate = z.object({
  year: z.number().int().nullable(),
  month: z.number().int().nullable(),
  day: z.number().int().nullable(),
});

/** One line of anilist-media.jsonl.gz. */
export const catalogMediaSchema = z.object({
  id: z.number().int().positive(),
  idMal: z.number().int().positive().nullable(),
  title: z.object({ romaji: z.string().nullable(), english: z.string().nullable(), native: z.string().nullable() }),
  synonyms: z.array(z.string()),
  format: z.string().nullable(),
  status: z.string().nullable(),
  startDate: fuzzyDate.nullable(),
  endDate: fuzzyDate.nullable(),
  ...animeFactFields,
  averageScore: z.number().nullable(),
  studios: z.array(z.string()),
  coverImage: z.object({ large: z.string().nullable(), color: z.string().nullable() }),
  bannerImage: z.string().nullable(),
  description: z.string().nullable(),
  isAdult: z.boolean(),
  relations: z.array(z.object({ id: z.number().int().positive(), relationType: z.string() })),
});
export type CatalogMedia = z.infer<typeof catalogMediaSchema>;

/** One line of mal-anime.jsonl.gz. */
export const catalogMalSchema = z.object({
  mal_id: z.number().int().positive(),
  title: z.string().nullable(),
  title_english: z.string().nullable(),
  title_japanese: z.string().nullable(),
  title_synonyms: z.array(z.string()),
  type: z.string().nullable(),
  source: z.string().nullable(),
  episodes: z.number().int().nullable(),
  status: z.string().nullable(),
  airing: z.boolean().nullable(),
  aired: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  duration_minutes: z.number().nullable(),
  rating: z.string().nullable(),
  score: z.number().nullable(),
  season: z.string().nullable(),
  year: z.number().int().nullable(),
  broadcast: z
    .object({ day: z.string().nullable(), time: z.string().nullable(), timezone: z.string().nullable() })
    .nullable(),
  producers: z.array(z.string()),
  studios: z.array(z.string()),
  genres: z.array(z.string()),
  image: z.string().nullable(),
  synopsis: z.string().nullable(),
  relations: z.array(
    z.object({
      relation: z.string(),
      entry: z.array(z.object({ mal_id: z.number().int().positive(), type: z.string(), name: z.string() })),
    }),
  ),
});
export type CatalogMal = z.infer<typeof catalogMalSchema>;
