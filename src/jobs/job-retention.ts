import type { Clock } from '../clock.ts';
import type { ProgressBus } from '../ingest/progress-event.ts';
import type { Logger } from '../log.ts';
import type { JobRepository } from '../store/job-repository.ts';

export interface JobRetentionOptions {
  jobs: Pick<JobRepository, 'prune'>;
  bus: Pick<ProgressBus, 'forget'>;
  clock: Clock;
  logger: Logger;
  /** Finished jobs older than this are deleted, ms (JOB_RETENTION_DAYS). */
  retainMs: number;
  /** How often to prune, ms. Default 3,600,000 (an hour). */
  everyMs?: number;
  /** Jobs deleted per statement, so a big backlog never holds the table for long. Default 500. */
  pageSize?: number;
}

/**
 * Deletes finished jobs, with their event histories, once they are older than the
 * retention: the job table and the progress bus would otherwise grow with every ingest
 * and refresh for as long as the installation runs. Queued and running jobs are never
 * touched. Any number of processes may prune at once; each delete takes what is left.
 */
export class JobRetention {
  readonly #options: JobRetentionOptions;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;

  constructor(options: JobRetentionOptions) {
    this.#options = options;
  }

  /** Prunes now and then every `everyMs`; the timer never keeps a process alive. */
  start(): void {
    if (this.#timer) return;
    const tick = () => {
      this.prune().catch((error: unknown) => this.#options.logger.warn({ err: error }, 'pruning old jobs failed; trying again at the next round'));
    };
    tick();
    this.#timer = setInterval(tick, this.#options.everyMs ?? 3_600_000);
    this.#timer.unref();
  }

  /** Stops the rounds and waits for one under way. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    // A failed round was logged by start's tick; stopping only waits for it.
    await this.#running?.catch(() => 0);
  }

  /** Deletes every finished job past the retention, page by page; returns how many. */
  prune(): Promise<number> {
    this.#running ??= this.#prune().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #prune(): Promise<number> {
    const { jobs, bus, clock, logger, retainMs } = this.#options;
    const pageSize = this.#options.pageSize ?? 500;
    const cutoff = clock.now() - retainMs;
    let deleted = 0;
    for (;;) {
      const ids = await jobs.prune(cutoff, pageSize);
      if (ids.length > 0) await bus.forget(ids);
      deleted += ids.length;
      if (ids.length < pageSize) break;
    }
    if (deleted > 0) logger.info({ deleted, finishedBefore: new Date(cutoff).toISOString() }, 'pruned finished jobs past JOB_RETENTION_DAYS');
    return deleted;
  }
}
