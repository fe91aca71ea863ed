import type { FranchiseView, JobView, Problem, SearchResponse } from './api-types.ts';

/** An API answer that was not a success, with the problem document's words when there was one. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly problem?: Problem,
  ) {
    super(message);
  }
}

export type FranchiseAnswer =
  | { kind: 'franchise'; view: FranchiseView }
  /** Not stored yet: the server started (or joined) an import to follow. */
  | { kind: 'importing'; job: JobView }
  | { kind: 'missing' };

/** What the page needs from the HTTP API; passed down through context so tests can point it anywhere. */
export interface ApiClient {
  search(query: string, options: { remote: boolean; limit?: number; signal?: AbortSignal }): Promise<SearchResponse>;
  /** With `ingest: false` an unknown entry answers `missing` instead of starting an import. */
  franchise(id: number, options: { ingest: boolean; signal?: AbortSignal }): Promise<FranchiseAnswer>;
  ingest(query: string): Promise<JobView>;
  job(id: string, signal?: AbortSignal): Promise<JobView>;
  jobEventsUrl(id: string): string;
}

export function createApiClient(base = ''): ApiClient {
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${base}${path}`, { ...init, headers: { accept: 'application/json', ...init.headers } });
    if (response.ok) return response;
    throw await toApiError(response);
  }

  return {
    async search(query, { remote, limit = 20, signal }) {
      const params = new URLSearchParams({ q: query, limit: String(limit) });
      if (remote) params.set('remote', 'true');
      return (await call(`/api/search?${params}`, { signal })).json() as Promise<SearchResponse>;
    },
    async franchise(id, { ingest, signal }) {
      const response = await fetch(`${base}/api/anime/${id}/franchise${ingest ? '' : '?ingest=false'}`, {
        signal,
        headers: { accept: 'application/json' },
      });
      if (response.status === 200) return { kind: 'franchise', view: (await response.json()) as FranchiseView };
      if (response.status === 202) return { kind: 'importing', job: ((await response.json()) as { job: JobView }).job };
      if (response.status === 404) return { kind: 'missing' };
      throw await toApiError(response);
    },
    async ingest(query) {
      const response = await call('/api/ingest', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      return ((await response.json()) as { job: JobView }).job;
    },
    async job(id, signal) {
      return (await call(`/api/jobs/${encodeURIComponent(id)}`, { signal })).json() as Promise<JobView>;
    },
    jobEventsUrl(id) {
      return `${base}/api/jobs/${encodeURIComponent(id)}/events`;
    },
  };
}

async function toApiError(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const problem = (await response.json()) as Problem;
      const words = [problem.title, problem.detail].filter(Boolean).join(': ');
      return new ApiError(response.status, words || `HTTP ${response.status}`, problem);
    } catch {
      // fall through: a body that says it is JSON but is not
    }
  }
  return new ApiError(response.status, `The server answered HTTP ${response.status} ${response.statusText}`.trim());
}
