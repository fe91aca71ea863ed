import { z } from 'zod';

const int = z.number().int().nullish();

export const jikanRelationGroupSchema = z.object({
  relation: z.string(),
  entry: z.array(z.object({ mal_id: z.number().int().positive(), type: z.string(), name: z.string().nullish() })),
});

export const jikanFullSchema = z.object({
  data: z.object({
    mal_id: z.number().int().positive(),
    score: z.number().nullish(),
    rank: int,
    members: int,
    rating: z.string().nullish(),
    relations: z.array(jikanRelationGroupSchema).nullish(),
  }),
});

export const jikanSearchSchema = z.object({
  data: z.array(
    z.object({
      mal_id: z.number().int().positive(),
      title: z.string().nullish(),
      title_english: z.string().nullish(),
      type: z.string().nullish(),
      year: int,
      score: z.number().nullish(),
      members: int,
    }),
  ),
});

/**
 * Jikan's status inside a body. Its own limiter writes it as the STRING "429"; seen in a
 * 2xx body it still means "rate limited".
 */
export function jikanBodyStatus(json: unknown): number | null {
  const body = json as { status?: unknown; type?: unknown } | null;
  if (!body || typeof body !== 'object' || typeof body.type !== 'string' || !/Exception$/.test(body.type)) return null;
  const status = Number(body.status);
  return Number.isInteger(status) ? status : null;
}
