import type { Clock } from '../clock.ts';
import type { JobContext, JobOutcome } from '../jobs/job-queue.ts';
import type { Logger } from '../log.ts';
import type { Job } from '../store/job-repository.ts';
import type { Store } from '../store/store.ts';
import type { RequestTally } from '../upstream/http/upstream-http.ts';
import type { Upstreams } from '../upstream/upstreams.ts';
import { discoverFranchise, type DiscoveryResult } from './franchise-discovery.ts';
import { FranchiseEnrichment, type EnrichmentResult } from './franchise-enrichment.ts';
import { ingestOutcome } from './ingest-outcome.ts';
import { ingestPayloadSchema, policyFromPayload, type IngestPayload } from './ingest-payload.ts';
import { JobProgress } from './job-progress.ts';
import { jobSignal } from './job-signal.ts';
import type { ProgressBus } from './progress-event.ts';

export interface IngestJobDeps {
  store: Store;
  upstreams: Pick<Upstreams, 'anilist' | 'jikan'>;
  bus: ProgressBus;
  clock: Clock;
  logger: Logger;
  /** Jikan calls open at once during enrichment (JIKAN_MAX_IN_FLIGHT). */
  enrichConcurrency: number;
  /** Waits before another round for entries that failed after the clients' retries, ms. */
  retryDelayMs?: { discovery?: number; enrichment?: number };
}

/** What both phases of one job share. */
interface IngestRun {
  payload: IngestPayload;
  deps: IngestJobDeps;
  log: Logger;
  progress: JobProgress;
  /** This job's own requests, counted at each call: exact whatever else the process runs. */
  tally: RequestTally;
  signal: AbortSignal;
}

/** Enrichment with its own stop: it ends with the job, and also when discovery fails. */
interface Enrichment {
  work: FranchiseEnrichment;
  abort: AbortController;
}

/**
 * Runs one ingest job: discovery, with enrichment fed by it as entries are stored, then
 * the rest of enrichment. Failures of single entries are named in the outcome; the job
 * ends succeeded (none), partial (some), failed (the root itself could not be had) or
 * cancelled (see ingest-outcome.ts). A re-run after anything fetches only what is missing,
 * stale or failed, because discovery and enrichment read freshness from the store.
 */
export async function runIngestJob(job: Job, context: JobContext, deps: IngestJobDeps): Promise<JobOutcome> {
  const payload = ingestPayloadSchema.parse(job.payload);
  const { store, clock } = deps;
  const log = deps.logger.child({ jobId: job.id, rootId: payload.rootId });
  const progress = new JobProgress(job.id, { bus: deps.bus, jobs: store.jobs, clock, logger: log });
  const started = clock.now();
  const { signal, stop } = await jobSignal(deps.bus, job.id, context.signal, log);
  try {
    await progress.state('running', payload.rootId);
    progress.enter('discovery');
    const run: IngestRun = { payload, deps, log, progress, tally: { anilist: 0, jikan: 0 }, signal };
    const enrichment = payload.enrich ? startEnrichment(run) : null;
    const discovery = await discover(run, enrichment);
    const discoveryMs = clock.now() - started;
    log.info({ members: discovery.members.size, fetched: discovery.fetched, reused: discovery.reused, batches: discovery.batches, ms: discoveryMs }, 'discovery done');
    const enriched = enrichment && (await finishEnrichment(run, enrichment, discovery));

    const rootStored = (await store.anime.get(payload.rootId)) !== undefined;
    const outcome = ingestOutcome({ rootId: payload.rootId, discovery, enriched, rootStored, tally: run.tally, durationMs: clock.now() - started, discoveryMs });
    const { size, stats } = outcome.result;
    progress.enter('done', { done: size - discovery.failures.length, total: size, failed: outcome.failures.length });
    await progress.flush();
    log.info({ status: outcome.status, durationMs: stats.durationMs, requests: stats.upstreamRequests, failures: outcome.failures.length }, 'ingest job done');
    return outcome;
  } finally {
    stop();
  }
}

function startEnrichment({ deps, log, progress, tally, signal }: IngestRun): Enrichment {
  const abort = new AbortController();
  // The signal is this job's alone, so its listener needs no removing.
  signal.addEventListener('abort', () => abort.abort(signal.reason), { once: true });
  const work = new FranchiseEnrichment(
    { store: deps.store, jikan: deps.upstreams.jikan, clock: deps.clock, logger: log },
    {
      signal: abort.signal,
      concurrency: deps.enrichConcurrency,
      retryDelayMs: deps.retryDelayMs?.enrichment,
      tally,
      listener: {
        entries: (ids) => progress.entries('enrichment', ids),
        progress: (counts) => progress.update('enrichment', counts),
        failure: (failure) => progress.failure(failure),
      },
    },
  );
  return { work, abort };
}

/** Walks the franchise, offering each stored entry to enrichment; a failing walk stops enrichment too. */
async function discover({ payload, deps, log, progress, tally, signal }: IngestRun, enrichment: Enrichment | null): Promise<DiscoveryResult> {
  try {
    return await discoverFranchise(
      payload.rootId,
      { store: deps.store, anilist: deps.upstreams.anilist, clock: deps.clock, logger: log },
      {
        policy: policyFromPayload(payload.policy),
        signal,
        retryDelayMs: deps.retryDelayMs?.discovery,
        tally,
        listener: {
          entries: (ids) => {
            progress.entries('discovery', ids);
            enrichment?.work.offer(ids);
          },
          progress: (counts) => progress.update('discovery', counts),
          failure: (failure) => progress.failure(failure),
        },
      },
    );
  } catch (error) {
    enrichment?.abort.abort(error);
    await enrichment?.work.close().catch((enrichError: unknown) => log.warn({ err: enrichError }, 'enrichment failed while discovery was failing'));
    await progress.flush();
    throw error;
  }
}

/** Lets enrichment finish what discovery offered; nothing is left to wait for when the root was not found. */
async function finishEnrichment({ progress }: IngestRun, enrichment: Enrichment, discovery: DiscoveryResult): Promise<EnrichmentResult> {
  progress.enter('enrichment');
  if (!discovery.rootFound) enrichment.abort.abort();
  return enrichment.work.close();
}
