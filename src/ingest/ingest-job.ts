import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { parsePolicy, type FranchisePolicy } from '../domain/franchise-policy.ts';
import type { Logger } from '../log.ts';
import type { Job } from '../store/job-repository.ts';
import type { Store } from '../store/store.ts';
import type { Upstreams } from '../upstream/upstreams.ts';
import { JobInterruption, type JobContext, type JobOutcome } from '../jobs/job-queue.ts';
import type { RequestTally } from '../upstream/http/upstream-http.ts';
import { discoverFranchise, type DiscoveryResult } from './franchise-discovery.ts';
import { FranchiseEnrichment, type EnrichmentResult } from './franchise-enrichment.ts';
import type { EntryFailure, FranchiseStats } from './franchise-view.ts';
import { JobProgress } from './job-progress.ts';
import { FINAL_STATUSES, type ProgressBus } from './progress-event.ts';

const policySchema = z.object({
  follow: z.array(z.string()).min(1),
  maxEntries: z.number().int(),
  maxDepth: z.number().int(),
});

const resolutionPickSchema = z.object({
  id: z.number(),
  title: z.string(),
  format: z.string().nullable().optional(),
  year: z.number().nullable().optional(),
});

/** What an ingest job carries in its record: enough to run it in any process, after any restart. */
export const ingestPayloadSchema = z.object({
  query: z.string(),
  rootId: z.number().int().positive(),
  enrich: z.boolean(),
  policy: policySchema,
  resolution: z.object({ chosen: resolutionPickSchema, alternatives: z.array(resolutionPickSchema) }).optional(),
});
export type IngestPayload = z.infer<typeof ingestPayloadSchema>;

/** What a finished ingest job stores as its result. */
export interface IngestResult {
  franchiseId: number;
  size: number;
  truncated: boolean;
  stats: FranchiseStats;
}

export function policyToPayload(policy: FranchisePolicy): IngestPayload['policy'] {
  return { follow: [...policy.follow].sort(), maxEntries: policy.maxEntries, maxDepth: policy.maxDepth };
}

export function policyFromPayload(policy: IngestPayload['policy']): FranchisePolicy {
  return parsePolicy(policy.follow, { maxEntries: policy.maxEntries, maxDepth: policy.maxDepth });
}

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
  /** True while a synced catalog answers alone (no AniList request). */
  mirror?: () => Promise<boolean>;
}

/**
 * Runs one ingest job: discovery, with enrichment fed by it as entries are stored, then
 * the rest of enrichment. Failures of single entries are named in the outcome; the job
 * ends succeeded (none), partial (some), failed (the root itself could not be had) or
 * cancelled. A re-run after anything fetches only what is missing, stale or failed,
 * because discovery and enrichment read freshness from the store.
 */
export async function runIngestJob(job: Job, context: JobContext, deps: IngestJobDeps): Promise<JobOutcome> {
  const payload = ingestPayloadSchema.parse(job.payload);
  const { store, upstreams, clock, logger } = deps;
  const log = logger.child({ jobId: job.id, rootId: payload.rootId });
  const progress = new JobProgress(job.id, { bus: deps.bus, jobs: store.jobs, clock, logger: log });
  const started = clock.now();
  // This job's own requests, counted at each call: exact whatever else the process runs.
  const tally: RequestTally = { anilist: 0, jikan: 0 };
  // A cancel from another process ends the job's event stream with a final state: stop at
  // once, without waiting for the record watch.
  const endedElsewhere = new AbortController();
  const stopWatching = await watchForEnd(deps.bus, job.id, endedElsewhere, log);
  const signal = AbortSignal.any([context.signal, endedElsewhere.signal]);
  try {
    await progress.state('running', payload.rootId);
    progress.enter('discovery');

    // Enrichment stops with the job, and also when discovery fails (nothing more to wait
    // for). The signal is this job's alone, so its listener needs no removing.
    const enrichAbort = new AbortController();
    signal.addEventListener('abort', () => enrichAbort.abort(signal.reason), { once: true });
    const enrichment = payload.enrich
      ? new FranchiseEnrichment(
          { store, jikan: upstreams.jikan, clock, logger: log },
          {
            signal: enrichAbort.signal,
            concurrency: deps.enrichConcurrency,
            retryDelayMs: deps.retryDelayMs?.enrichment,
            tally,
            listener: {
              entries: (ids) => progress.entries('enrichment', ids),
              progress: (counts) => progress.update('enrichment', counts),
              failure: (failure) => progress.failure(failure),
            },
          },
        )
      : null;

    let discovery: DiscoveryResult;
    try {
      discovery = await discoverFranchise(
        payload.rootId,
        { store, anilist: upstreams.anilist, clock, logger: log, mirror: deps.mirror },
        {
          policy: policyFromPayload(payload.policy),
          signal,
          retryDelayMs: deps.retryDelayMs?.discovery,
          tally,
          listener: {
            entries: (ids) => {
              progress.entries('discovery', ids);
              enrichment?.offer(ids);
            },
            progress: (counts) => progress.update('discovery', counts),
            failure: (failure) => progress.failure(failure),
          },
        },
      );
    } catch (error) {
      enrichAbort.abort(error);
      await enrichment?.close().catch((enrichError: unknown) => log.warn({ err: enrichError }, 'enrichment failed while discovery was failing'));
      await progress.flush();
      throw error;
    }
    const discoveryMs = clock.now() - started;
    log.info({ members: discovery.members.size, fetched: discovery.fetched, reused: discovery.reused, batches: discovery.batches, ms: discoveryMs }, 'discovery done');

    let enriched: EnrichmentResult | null = null;
    if (enrichment) {
      progress.enter('enrichment');
      if (!discovery.rootFound) enrichAbort.abort();
      enriched = await enrichment.close();
    }
    return await settle(discovery, enriched, discoveryMs);
  } finally {
    stopWatching();
  }

  async function settle(discovery: DiscoveryResult, enriched: EnrichmentResult | null, discoveryMs: number): Promise<JobOutcome> {
    const durationMs = clock.now() - started;
    const failures: EntryFailure[] = [...discovery.failures, ...(enriched?.failures ?? [])];
    const stats: FranchiseStats = {
      durationMs,
      discoveryMs,
      enrichmentMs: enriched ? durationMs - discoveryMs : 0,
      upstreamRequests: { ...tally },
      failures,
    };
    const rootStored = (await store.anime.get(payload.rootId)) !== undefined;
    const size = [...discovery.members.keys()].length;
    // Failed: the entry asked for cannot be had, or every upstream call failed (nothing new
    // came back from either upstream although something was asked for). Cancelled: the
    // signal stopped work that was left; work already done counts as done.
    const gotNothing = failures.length > 0 && discovery.fetched === 0 && (enriched === null || enriched.enriched + enriched.missing === 0);
    const cutShort = discovery.cancelled || (enriched?.cancelled ?? false);
    const status = cutShort ? 'cancelled' : !discovery.rootFound || !rootStored || gotNothing ? 'failed' : failures.length > 0 ? 'partial' : 'succeeded';
    if (!discovery.rootFound) failures.unshift({ id: payload.rootId, upstream: 'anilist', status: 404, message: 'AniList has no anime with this id' });
    progress.enter('done', { done: size - discovery.failures.length, total: size, failed: failures.length });
    await progress.flush();
    log.info({ status, durationMs, requests: stats.upstreamRequests, failures: failures.length }, 'ingest job done');
    const result: IngestResult = { franchiseId: payload.rootId, size, truncated: discovery.truncated, stats };
    return { status, failures, result };
  }
}

/** Aborts `controller` when someone else publishes the job's final state (a cancel from another process). */
async function watchForEnd(bus: ProgressBus, jobId: string, controller: AbortController, log: Logger): Promise<() => void> {
  try {
    return await bus.subscribe(jobId, 0, (event) => {
      if (event.type === 'state' && FINAL_STATUSES.has(event.status) && !controller.signal.aborted) {
        controller.abort(new JobInterruption('cancelled'));
      }
    });
  } catch (error) {
    // The record watch still notices a cancel, a moment later.
    log.warn({ err: error }, 'watching the job for a cancel elsewhere failed');
    return () => {};
  }
}
