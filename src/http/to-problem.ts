import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { InputError, NotFoundError } from '../errors.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import { HttpProblem, problemType, type FieldError, type Problem } from './problem.ts';

export interface MappedProblem {
  problem: Problem;
  headers: Record<string, string>;
  /** A bug rather than a client or upstream problem: log it with its stack. */
  unexpected: boolean;
}

// Titles for problems raised inside Hono (validator, body parsing) that arrive as HTTPException.
const HONO_SLUGS: Record<number, [slug: string, title: string]> = {
  400: ['bad-request', 'Bad request'],
  401: ['unauthorized', 'Unauthorized'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  413: ['body-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
};

/** The one mapping from anything thrown to the problem+json a client sees; never leaks a stack. */
export function toProblem(error: unknown, instance: string): MappedProblem {
  const base = (status: number, slug: string, title: string, detail: string): Problem => ({
    type: problemType(slug),
    title,
    status,
    detail,
    instance,
  });
  if (error instanceof HttpProblem) {
    const problem = base(error.status, error.slug, error.title, error.message);
    if (error.extra.errors) problem.errors = error.extra.errors;
    return { problem, headers: error.extra.headers ?? {}, unexpected: false };
  }
  if (error instanceof InputError) {
    const problem = base(400, 'invalid-input', 'Invalid input', error.message);
    if (error.field) problem.errors = [{ field: error.field, message: error.message }];
    return { problem, headers: {}, unexpected: false };
  }
  if (error instanceof NotFoundError) {
    return { problem: base(404, 'not-found', 'Not found', error.message), headers: {}, unexpected: false };
  }
  if (error instanceof ZodError) {
    const problem = base(400, 'validation', 'Invalid request', 'some fields are invalid; see errors');
    problem.errors = fieldErrors(error, 'body');
    return { problem, headers: {}, unexpected: false };
  }
  if (error instanceof UpstreamError) {
    // 503 says "try again later" (the upstream is pacing us); 502 says it answered badly.
    const busy = error.kind === 'rate-limited' || error.status === 429;
    const problem = busy
      ? base(503, 'upstream-busy', `${error.upstream} is rate limiting; try again later`, error.message)
      : base(502, 'upstream-failed', `${error.upstream} failed`, error.message);
    problem.upstream = error.upstream;
    problem.upstreamStatus = error.status;
    const headers: Record<string, string> = {};
    if (busy && error.retryAfterMs !== null) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    return { problem, headers, unexpected: false };
  }
  if (error instanceof HTTPException && error.status < 500) {
    const [slug, title] = HONO_SLUGS[error.status] ?? ['client-error', 'Bad request'];
    return { problem: base(error.status, slug, title, error.message || title), headers: {}, unexpected: false };
  }
  return {
    problem: base(500, 'internal', 'Internal server error', 'an unexpected error happened; it has been logged'),
    headers: {},
    unexpected: true,
  };
}

/** Each zod issue as {field, message}; `whole` names the input when the issue is about all of it. */
export function fieldErrors(error: ZodError, whole: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : whole,
    message: issue.message,
  }));
}
