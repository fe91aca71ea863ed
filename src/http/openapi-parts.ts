import { z } from '@hono/zod-openapi';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { problemSchema } from './schemas.ts';

/**
 * A path, query or header integer written as plain digits (no signs, exponents or hex),
 * within range. The document shows it as an integer with its range: the digits-only string
 * it is parsed from is how it travels, not what it means.
 */
export function wholeNumber(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,16}$/, 'must be a whole number written with digits only')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .openapi({ type: 'integer', minimum: min, maximum: max });
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

/** The name of the bearer-token security scheme in the document's components. */
export const BEARER_SCHEME = 'bearerAuth';

/**
 * `security` of an operation that always needs the token when one is configured (a POST:
 * it changes state or spends upstream budget).
 */
export const WRITE_SECURITY: Record<string, string[]>[] = [{ [BEARER_SCHEME]: [] }];

/**
 * `security` of a read that needs the token only when it would spend upstream budget (an
 * ingest or refresh behind a franchise read, a remote search): token or none.
 */
export const SPENDING_READ_SECURITY: Record<string, string[]>[] = [{ [BEARER_SCHEME]: [] }, {}];

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
