import { z } from 'zod';

// Lenient where AniList grows: enums are read as strings, so a new format or status
// arrives as data instead of failing the whole batch.
const text = z.string().nullish();
const int = z.number().int().nullish();
const fuzzyDate = z.object({ year: int, month: int, day: int }).nullish();

export const anilistMediaSchema = z.object({
  id: z.number().int().positive(),
  idMal: z.number().int().positive().nullish(),
  type: text,
  format: text,
  status: text,
  title: z.object({ romaji: text, english: text, native: text }).nullish(),
  synonyms: z.array(z.string().nullable()).nullish(),
  description: text,
  startDate: fuzzyDate,
  endDate: fuzzyDate,
  season: text,
  seasonYear: int,
  episodes: int,
  duration: int,
  source: text,
  genres: z.array(z.string().nullable()).nullish(),
  tags: z.array(z.object({ name: z.string(), rank: int, isMediaSpoiler: z.boolean().nullish() }).nullable()).nullish(),
  averageScore: z.number().nullish(),
  popularity: z.number().nullish(),
  coverImage: z.object({ extraLarge: text, large: text, medium: text, color: text }).nullish(),
  bannerImage: text,
  studios: z.object({ nodes: z.array(z.object({ name: z.string() }).nullable()).nullish() }).nullish(),
  isAdult: z.boolean().nullish(),
  updatedAt: int,
  relations: z
    .object({
      edges: z
        .array(
          z
            .object({
              relationType: text,
              node: z.object({ id: z.number().int().positive(), idMal: int, type: text, format: text, status: text }).nullish(),
            })
            .nullable(),
        )
        .nullish(),
    })
    .nullish(),
});
export type AniListMedia = z.infer<typeof anilistMediaSchema>;

/** A node nested past the first level: what the franchise walk reads, and its edges. */
export const anilistWalkNodeSchema = anilistMediaSchema.pick({ id: true, idMal: true, type: true, format: true, title: true, startDate: true, relations: true });
export type AniListWalkNode = z.infer<typeof anilistWalkNodeSchema>;

/** `data.Page.media` items stay unparsed here: each is parsed alone, so one odd entry fails only itself. */
export const anilistPageSchema = z.object({
  data: z.object({ Page: z.object({ media: z.array(z.unknown()) }) }),
});

export const anilistCatalogPageSchema = z.object({
  data: z.object({ Page: z.object({ pageInfo: z.object({ hasNextPage: z.boolean().nullish() }).nullish(), media: z.array(z.unknown()) }) }),
});

export const anilistSingleSchema = z.object({ data: z.object({ Media: z.unknown().nullable() }) });

/** AniList's non-standard error status inside the body, when there is no data to go with it. */
export function anilistBodyStatus(json: unknown): number | null {
  const body = json as { data?: unknown; errors?: { status?: unknown }[] } | null;
  if (!body || typeof body !== 'object' || body.data != null || !Array.isArray(body.errors)) return null;
  const status = Number(body.errors[0]?.status);
  return Number.isInteger(status) ? status : null;
}
