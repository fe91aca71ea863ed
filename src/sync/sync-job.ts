import { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { FranchisePolicy } from '../domain/franchise-policy.ts';
import { JobProgress } from '../ingest/job-progress.ts';
import type { ProgressBus } from '../ingest/progress-event.ts';
import type { JobContext, JobOutcome } from '../jobs/job-queue.ts';
import type { Logger } from '../log.ts';
import type { Job } from '../store/job-repository.ts';
import type { Store } from '../store/store.ts';
import type { Upstreams } from '../upstream/upstreams.ts';
import { enrichCatalog, type CatalogEnrichmentResult } from './catalog-enrichment.ts';
import type { CatalogSync, SyncSummary } from './catalog-sync.ts';
import { SyncBusyError, withSyncLease } from './sync-lease.ts';

/** The one key every sync job shares: the job table's unique index keeps one active at a time. */
export const SYNC_JOB_KEY = 'catalog-sync';

export const syncPayloadSchema = z.object({ full: z.boolean(), enrich: z.boolean() });
export type SyncPayload = z.infer<typeof syncPayloadSchema>;

export interface SyncJobDeps {
  store: Store;
  sync: CatalogSync;
  upstreams: Pick<Upstreams, 'jikan'>;
  bus: ProgressBus;
  clock: Clock;
  logger: Logger;
  policy: FranchisePolicy;
  enrichConcurrency: number;
  /** How long enrichment may run after the sync, ms (half the sync interval): the next sync is never held up long. */
  enrichBudgetMs: number;
}

export interface SyncJobResult {
  sync: SyncSummary | null;
  /** Set when another process held the sync lease, so this job synced nothing. */
  skipped?: string;
  enrichment: CatalogEnrichmentResult | null;
}

/**
 * A scheduled catalog sync as a job: visible in the job list with progress events (phase
 * `sync`, then `enrichment`), under the catalog's sync lease, then catalog enrichment for a
 * bounded time. An interrupted job leaves the sync's cursor in the store; the next run
 * (this job requeued, or the next schedule) resumes it.
 */
export async function runSyncJob(job: Job, context: JobContext, deps: SyncJobDeps): Promise<JobOutcome> {
  const payload = syncPayloadSchema.parse(job.payload);
  const log = deps.logger.child({ jobId: job.id, kind: 'sync' });
  const progress = new JobProgress(job.id, { bus: deps.bus, jobs: deps.store.jobs, clock: deps.clock, logger: log });
  await progress.state('running', null);
  progress.enter('sync');
  const result: SyncJobResult = { sync: null, enrichment: null };
  try {
    result.sync = await withSyncLease(deps, (lost) =>
      deps.sync.run({
        full: payload.full,
        signal: AbortSignal.any([context.signal, lost]),
        onProgress: (p) => progress.update('sync', { done: p.stored, total: p.stored, failed: 0 }),
      }),
    );
  } catch (error) {
    if (!(error instanceof SyncBusyError)) throw error;
    result.skipped = error.message;
    log.info({ reason: error.message }, 'catalog sync skipped');
  }
  if (context.signal.aborted) {
    await progress.flush();
    return { status: 'cancelled', result };
  }
  if (payload.enrich && result.sync?.completed) {
    progress.enter('enrichment');
    result.enrichment = await enrichCatalog(
      { store: deps.store, jikan: deps.upstreams.jikan, clock: deps.clock, logger: log, policy: deps.policy },
      {
        signal: AbortSignal.any([context.signal, AbortSignal.timeout(Math.max(1, deps.enrichBudgetMs))]),
        concurrency: deps.enrichConcurrency,
        onRound: (t) => progress.update('enrichment', { done: t.enriched + t.missing, total: t.enriched + t.missing + t.failed, failed: t.failed }),
      },
    );
  }
  progress.enter('done');
  await progress.flush();
  const status = result.sync && !result.sync.completed ? 'cancelled' : 'succeeded';
  return { status, result };
}
