import type { Clock } from '../clock.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { SYNC_JOB_KEY, type SyncPayload } from './sync-job.ts';
import { CATALOG_SYNC, parseSyncState } from './sync-state.ts';

export interface SyncSchedulerOptions {
  /** SYNC_INTERVAL_MINUTES in ms; > 0. */
  intervalMs: number;
  /** How often the schedule is looked at, ms. Default: a tenth of the interval, 5 s to 60 s. */
  checkMs?: number;
  enrich: boolean;
}

/**
 * Queues a catalog sync job when the last sync ended `intervalMs` ago (or never ran, or was
 * left unfinished). Every `serve` and `worker` process runs one; the job table's unique
 * dedupe key keeps one sync job active across them, and the sync lease keeps one sync
 * running even beside a `tsunagu sync` from the command line.
 */
export class SyncScheduler {
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: { queue: Pick<JobQueue, 'enqueue'>; store: Pick<Store, 'catalog'>; clock: Clock; logger: Logger },
    private readonly options: SyncSchedulerOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    const every = this.options.checkMs ?? Math.min(60_000, Math.max(5_000, this.options.intervalMs / 10));
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
    void this.check();
  }

  /** Looks at the schedule once; queues the sync job when it is due. */
  check(): Promise<void> {
    this.checking = this.checking.then(async () => {
      try {
        const row = await this.deps.store.catalog.readSync(CATALOG_SYNC);
        const now = this.deps.clock.now();
        // A sync under way anywhere (its lease held) is left alone.
        if (row?.leaseOwner && (row.leaseUntil ?? 0) >= now) return;
        const state = parseSyncState(row?.state);
        const due = state.run !== null || state.syncedAt === null || now - state.syncedAt >= this.options.intervalMs;
        if (!due) return;
        const payload: SyncPayload = { full: false, enrich: this.options.enrich };
        const { job, created } = await this.deps.queue.enqueue({ kind: 'sync', dedupeKey: SYNC_JOB_KEY, payload });
        if (created) this.deps.logger.info({ jobId: job.id }, 'catalog sync queued');
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'checking the catalog sync schedule failed; trying again later');
      }
    });
    return this.checking;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
  }
}
