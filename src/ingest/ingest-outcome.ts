import type { FinalJobStatus } from '../store/job-repository.ts';
import type { RequestTally } from '../upstream/http/upstream-http.ts';
import type { DiscoveryResult } from './franchise-discovery.ts';
import type { EnrichmentResult } from './franchise-enrichment.ts';
import type { EntryFailure } from './franchise-view.ts';
import type { IngestResult } from './ingest-payload.ts';

/** Everything an ingest job's end is judged on, gathered once both phases are over. */
export interface IngestFacts {
  rootId: number;
  discovery: DiscoveryResult;
  /** null: the job did not enrich. */
  enriched: EnrichmentResult | null;
  /** Whether the store holds the root entry now (fetched by this job or an earlier one). */
  rootStored: boolean;
  /** This job's own requests per upstream. */
  tally: RequestTally;
  durationMs: number;
  discoveryMs: number;
}

export interface IngestOutcome {
  status: FinalJobStatus;
  failures: EntryFailure[];
  result: IngestResult;
}

/** The job's status, failures and stored result: no I/O, so every case is a table row away. */
export function ingestOutcome(facts: IngestFacts): IngestOutcome {
  const { discovery, enriched } = facts;
  const rootMissing: EntryFailure[] = discovery.rootFound ? [] : [{ id: facts.rootId, upstream: 'anilist', status: 404, message: 'AniList has no anime with this id' }];
  const failures = [...rootMissing, ...discovery.failures, ...(enriched?.failures ?? [])];
  const stats = {
    durationMs: facts.durationMs,
    discoveryMs: facts.discoveryMs,
    enrichmentMs: enriched ? facts.durationMs - facts.discoveryMs : 0,
    upstreamRequests: { ...facts.tally },
    failures,
  };
  const result: IngestResult = { franchiseId: facts.rootId, size: discovery.members.size, truncated: discovery.truncated, stats };
  return { status: ingestStatus(facts, failures.length), failures, result };
}

/**
 * Cancelled: the signal stopped work that was left (work already done counts as done).
 * Failed: the entry asked for cannot be had, or every upstream call failed (nothing new came
 * back from either upstream although something was asked for). Otherwise partial when any
 * entry failed, succeeded when none did.
 */
function ingestStatus({ discovery, enriched, rootStored }: IngestFacts, failureCount: number): FinalJobStatus {
  if (discovery.cancelled || enriched?.cancelled) return 'cancelled';
  if (!discovery.rootFound || !rootStored) return 'failed';
  const enrichmentGotNothing = enriched === null || enriched.enriched + enriched.missing === 0;
  if (failureCount > 0 && discovery.fetched === 0 && enrichmentGotNothing) return 'failed';
  return failureCount > 0 ? 'partial' : 'succeeded';
}
