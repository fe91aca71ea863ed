import { z } from '@hono/zod-openapi';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { problemSchema } from './schemas.ts';

/** A path or query integer written as plain digits (no signs, exponents or hex), within range. */
export function wholeNumber(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,16}$/, 'must be a whole number written with digits only')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** `true` or `false` in a query string. */
export function flag(defaultValue: boolean) {
  return z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true');
}

const MAX_ID = 2_147_483_647;

export const animeIdParams = z.object({
  id: wholeNumber(1, MAX_ID).openapi({ param: { name: 'id', in: 'path' }, type: 'integer', example: 16498, description: 'AniList id' }),
});

export const malIdParams = z.object({
  malId: wholeNumber(1, MAX_ID).openapi({ param: { name: 'malId', in: 'path' }, type: 'integer', example: 16498, description: 'MyAnimeList id' }),
});

export const jobIdParams = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'must be a job id (letters, digits, _ . : -, at most 128)')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'job_01J9Z3' }),
});

/** Response entries for problems a route can answer with. */
export function problems(...statuses: number[]) {
  const why: Record<number, string> = {
    400: 'Invalid input; `errors` names each bad field',
    401: 'A bearer token is configured and missing or wrong',
    404: 'Not found',
    413: 'Body larger than the limit',
    415: 'Body is not JSON',
    429: 'Too many ingest requests from this client; see Retry-After',
    502: 'The upstream failed',
    503: 'The upstream is rate limiting or the database does not answer',
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: why[s] ?? 'Problem', content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } }]),
  );
}
