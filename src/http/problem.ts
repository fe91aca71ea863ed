/** One field that failed validation: `field` is the query parameter, path parameter, header or body path. */
export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem document, the body of every error response. */
export interface Problem {
  /** A stable identifier of the kind of problem (`urn:tsunagu:problem:<slug>`). */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request path that failed. */
  instance: string;
  errors?: FieldError[];
  /** For upstream failures: which upstream and what it answered. */
  upstream?: string;
  upstreamStatus?: number | null;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The error the HTTP layer throws for anything it decides itself (401, 405, 413, 429, ...);
 * domain errors (InputError, NotFoundError, UpstreamError) are mapped in one place, `toProblem`.
 */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    /** The slug of the problem type, e.g. `rate-limited`. */
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

export function problemType(slug: string): string {
  return `urn:tsunagu:problem:${slug}`;
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE },
  });
}
