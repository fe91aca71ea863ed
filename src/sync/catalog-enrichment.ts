import type { Clock } from '../clock.ts';
import type { FranchisePolicy } from '../domain/franchise-policy.ts';
import { FranchiseEnrichment } from '../ingest/franchise-enrichment.ts';
import { walkStored } from '../ingest/franchise-reader.ts';
import { ingestPayloadSchema } from '../ingest/ingest-payload.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { JikanClient } from '../upstream/jikan/jikan-client.ts';
import type { RequestTally } from '../upstream/http/upstream-http.ts';

/** Entries handed to one FranchiseEnrichment round. */
const ROUND = 50;
/** Recent ingest jobs whose franchises go first. */
const ASKED_JOBS = 200;

export interface CatalogEnrichmentDeps {
  store: Store;
  jikan: Pick<JikanClient, 'fetchFull'>;
  clock: Clock;
  logger: Logger;
  policy: FranchisePolicy;
}

export interface CatalogEnrichmentOptions {
  signal?: AbortSignal;
  /** Jikan calls open at once (JIKAN_MAX_IN_FLIGHT). */
  concurrency: number;
  tally?: RequestTally;
  /** Called after each round with the totals so far. */
  onRound?(totals: CatalogEnrichmentResult): void;
}

export interface CatalogEnrichmentResult {
  enriched: number;
  missing: number;
  failed: number;
  /** True when the signal stopped it with entries left. */
  stopped: boolean;
}

/**
 * Enriches the synced catalog from Jikan at Jikan's pace (its gate), in priority order:
 * the members of franchises people asked for (recent ingest jobs), then the rest by
 * popularity. Progress is the store itself (MAL data stored per entry), so it resumes
 * wherever it stopped. Runs behind the sync, never before it: AniList's gate is another.
 */
export async function enrichCatalog(deps: CatalogEnrichmentDeps, options: CatalogEnrichmentOptions): Promise<CatalogEnrichmentResult> {
  const totals: CatalogEnrichmentResult = { enriched: 0, missing: 0, failed: 0, stopped: false };
  const handedOut = new Set<number>();
  const asked = await askedFor(deps);
  while (!options.signal?.aborted) {
    let ids: number[] = [];
    while (ids.length === 0 && asked.length > 0) {
      ids = (await deps.store.anime.malStaleIds(asked.splice(0, ROUND), deps.clock.now())).filter((id) => !handedOut.has(id));
    }
    if (ids.length === 0) ids = await deps.store.catalog.unenriched(ROUND, [...handedOut]);
    if (ids.length === 0) break;
    for (const id of ids) handedOut.add(id);
    const round = new FranchiseEnrichment(
      { store: deps.store, jikan: deps.jikan, clock: deps.clock, logger: deps.logger },
      { signal: options.signal, concurrency: options.concurrency, tally: options.tally, retryRounds: 0 },
    );
    round.offer(ids);
    const result = await round.close();
    totals.enriched += result.enriched;
    totals.missing += result.missing;
    totals.failed += result.failures.length;
    options.onRound?.({ ...totals });
    if (result.cancelled) break;
  }
  totals.stopped = options.signal?.aborted ?? false;
  return totals;
}

/** Members of the franchises recent ingest jobs asked for, roots first. */
async function askedFor(deps: CatalogEnrichmentDeps): Promise<number[]> {
  const jobs = await deps.store.jobs.list({ limit: ASKED_JOBS });
  const roots = [...new Set(jobs.flatMap((job) => ingestPayloadSchema.safeParse(job.payload).data?.rootId ?? []))];
  const ids = new Set<number>(roots);
  for (const root of roots) for (const id of (await walkStored(deps.store, root, deps.policy)).members.keys()) ids.add(id);
  return [...ids];
}
