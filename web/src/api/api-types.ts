// The page speaks the server's own types; importing them (types only, erased at build)
// keeps the page and the API from drifting apart.
export type { FranchiseView, FranchiseMember, EntryFailure } from '../../../src/ingest/franchise-view.ts';
export type { RecommendedEntry, WatchRole } from '../../../src/domain/recommended-order.ts';
export type { JobView } from '../../../src/ingest/ingest-service.ts';
export type { JobStatus, Progress, ProgressEvent } from '../../../src/ingest/progress-event.ts';
export type { SearchResponse, SearchResult } from '../../../src/http/schemas.ts';
export type { Problem } from '../../../src/http/problem.ts';
