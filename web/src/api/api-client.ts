import type { CoverSize } from '../../../src/domain/anime.ts';
import type { FranchiseView, JobView, Problem, SearchResponse } from './api-types.ts';
import type { TokenStore } from './api-token.ts';

/** An API answer that was not a success, with the problem document's words when there was one. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly problem?: Problem,
    /** From Retry-After (429, 503), seconds. */
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
  }

  /** The server wants its API token for this (none was sent, or a wrong one). */
  get needsToken(): boolean {
    return this.status === 401;
  }
}

export type FranchiseAnswer =
  | { kind: 'franchise'; view: FranchiseView }
  /** Not stored yet: the server started (or joined) an import to follow. */
  | { kind: 'importing'; job: JobView }
  | { kind: 'missing' };

/** What the page needs from the HTTP API; passed down through context so tests can point it anywhere. */
export interface ApiClient {
  /** With `remote` AniList is asked too: that spends upstream budget, so it is a write (token, per-client limit). */
  search(query: string, options: { remote: boolean; limit?: number; signal?: AbortSignal }): Promise<SearchResponse>;
  /** With `ingest: false` an unknown entry answers `missing` instead of starting an import. */
  franchise(id: number, options: { ingest: boolean; signal?: AbortSignal }): Promise<FranchiseAnswer>;
  ingest(query: string): Promise<JobView>;
  cancel(jobId: string): Promise<JobView>;
  job(id: string, signal?: AbortSignal): Promise<JobView>;
  jobEventsUrl(id: string): string;
  /** The entry's cover from this server's own origin (the cover proxy). */
  coverUrl(id: number, size: CoverSize): string;
}

/**
 * The API over fetch. Requests that may spend upstream budget (every POST, a franchise read
 * that may start an import, a remote search) carry the session's API token when there is
 * one; plain reads never do.
 */
export function createApiClient(base = '', token?: TokenStore): ApiClient {
  async function call(path: string, init: RequestInit & { write?: boolean } = {}): Promise<Response> {
    const { write, ...rest } = init;
    const response = await fetch(`${base}${path}`, { ...rest, headers: { accept: 'application/json', ...authorization(write), ...rest.headers } });
    if (response.ok) return response;
    throw await toApiError(response);
  }

  function authorization(write: boolean | undefined): Record<string, string> {
    const value = write ? token?.get() : null;
    return value ? { authorization: `Bearer ${value}` } : {};
  }

  return {
    async search(query, { remote, limit = 20, signal }) {
      const params = new URLSearchParams({ q: query, limit: String(limit) });
      if (remote) params.set('remote', 'true');
      return (await call(`/api/search?${params}`, { signal, write: remote })).json() as Promise<SearchResponse>;
    },
    async franchise(id, { ingest, signal }) {
      const response = await fetch(`${base}/api/anime/${id}/franchise${ingest ? '' : '?ingest=false'}`, {
        signal,
        headers: { accept: 'application/json', ...authorization(ingest) },
      });
      if (response.status === 200) return { kind: 'franchise', view: (await response.json()) as FranchiseView };
      if (response.status === 202) return { kind: 'importing', job: ((await response.json()) as { job: JobView }).job };
      if (response.status === 404) return { kind: 'missing' };
      throw await toApiError(response);
    },
    async ingest(query) {
      const response = await call('/api/ingest', {
        method: 'POST',
        write: true,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      return ((await response.json()) as { job: JobView }).job;
    },
    async cancel(jobId) {
      const response = await call(`/api/jobs/${encodeURIComponent(jobId)}/cancel`, { method: 'POST', write: true });
      return ((await response.json()) as { job: JobView }).job;
    },
    async job(id, signal) {
      return ((await (await call(`/api/jobs/${encodeURIComponent(id)}`, { signal })).json()) as { job: JobView }).job;
    },
    jobEventsUrl(id) {
      return `${base}/api/jobs/${encodeURIComponent(id)}/events`;
    },
    coverUrl(id, size) {
      return `${base}/api/anime/${id}/cover?size=${size}`;
    },
  };
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryAfterS = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const problem = (await response.json()) as Problem;
      const words = [problem.title, problem.detail].filter(Boolean).join(': ');
      return new ApiError(response.status, words || `HTTP ${response.status}`, problem, retryAfterS);
    } catch {
      // fall through: a body that says it is JSON but is not
    }
  }
  return new ApiError(response.status, `The server answered HTTP ${response.status} ${response.statusText}`.trim(), undefined, retryAfterS);
}
