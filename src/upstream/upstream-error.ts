export type UpstreamName = 'anilist' | 'jikan';

export type UpstreamErrorKind = 'timeout' | 'network' | 'http' | 'parse' | 'rate-limited' | 'aborted';

export interface UpstreamErrorDetails {
  upstream: UpstreamName;
  kind: UpstreamErrorKind;
  /** HTTP status, or null when no response arrived (timeout, network, aborted). */
  status: number | null;
  retryable: boolean;
  /** What the upstream asked us to wait (Retry-After / X-RateLimit-Reset), ms; null when it said nothing. */
  retryAfterMs?: number | null;
  /** The start of the response body, for logs; never the whole body. */
  bodyExcerpt?: string | null;
  /** 'POST https://...' or 'GET https://...'. */
  request: string;
  /** HTTP attempts made before giving up (0 when cancelled before the first one). */
  attempts?: number;
  cause?: unknown;
}

const EXCERPT_CHARS = 300;

/** The one error type every upstream failure becomes: callers branch on `kind`, `status` and `retryable`. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  readonly upstream: UpstreamName;
  readonly kind: UpstreamErrorKind;
  readonly status: number | null;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  readonly bodyExcerpt: string | null;
  readonly request: string;
  attempts: number;

  constructor(message: string, details: UpstreamErrorDetails) {
    super(`${details.upstream}: ${message} (${details.request}${details.status === null ? '' : `, HTTP ${details.status}`})`, {
      cause: details.cause,
    });
    this.upstream = details.upstream;
    this.kind = details.kind;
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.bodyExcerpt = details.bodyExcerpt == null ? null : excerpt(details.bodyExcerpt);
    this.request = details.request;
    this.attempts = details.attempts ?? 0;
  }
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}...` : flat;
}
