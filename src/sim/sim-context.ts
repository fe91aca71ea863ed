import type { IncomingHttpHeaders } from 'node:http';
import type { Catalog } from '../catalog/catalog.ts';
import type { Clock } from '../clock.ts';
import type { CompanyIds } from './company-ids.ts';
import type { DerivedFigures } from './derived-figures.ts';
import type { FaultPlan } from './fault-plan.ts';
import type { Upstream } from './fault-spec.ts';
import type { LiveCatalog } from './live-catalog.ts';
import type { Random } from './seeded-random.ts';
import type { ResolvedKnobs } from './sim-options.ts';
import type { Reply } from './sim-reply.ts';

/** The simulator's live state; configure() and reset() replace fields in place, endpoints read them per request. */
export interface SimContext {
  knobs: ResolvedKnobs;
  random: Random;
  faults: FaultPlan;
  catalog: Catalog;
  /** AniList's side of the catalog as it stands now: edits, removals and entries not yet published. */
  live: LiveCatalog;
  figures: DerivedFigures;
  /** Ids of studio and producer names, the same on both sites. */
  companies: CompanyIds;
  clock: Clock;
}

/** What is known when a request arrives, before its body is read. */
export interface RequestHead {
  method: string;
  /** Path below the upstream's prefix, e.g. `/anime/1/full` for Jikan. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Path and query as the real upstream would see them, e.g. `/v4/anime/1/full`. */
  uri: string;
  /** The simulator's origin as this client reached it (its Host header), for image URLs in answers. */
  origin: string;
}

export interface SimRequest extends RequestHead {
  body: string;
}

/** Faults that replace the whole answer with an error page or body. */
export type FailureFault = '500' | '502' | '504' | 'html403';

/** One simulated upstream. The server does the rest: stats, fault rolls, latency, hangs, writing. */
export interface UpstreamEndpoint {
  readonly name: Upstream;
  /**
   * Decided on arrival, before latency, as a real server would: a refusal (no Referer, storm, rate
   * limit) or null when the request is accepted, which also counts it into the enforced windows.
   */
  admit(head: RequestHead, now: number): Reply | null;
  /** A 429 that is not from the enforced window: a storm just started, or a single spurious one. */
  tooManyRequests(now: number, cause: 'storm' | 'spurious'): Reply;
  /** From now until now + seconds every request answers 429. */
  startStorm(now: number, seconds: number): void;
  failure(kind: FailureFault, now: number): Reply;
  handle(request: SimRequest, now: number): Promise<Reply>;
  /** The upstream's own 500 for a bug in the simulator, so a client never sees a stack. */
  internalError(): Reply;
  /** Clears rate windows, storms and caches. */
  reset(): void;
}
