import { runAfter, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { JobRepository } from '../store/job-repository.ts';
import type { EntryFailure } from './franchise-view.ts';
import type { IngestPhase, JobStatus, Progress, ProgressBus } from './progress-event.ts';

/**
 * Job records are written at most this often while counts change, ms: a page polling
 * the job sees progress move, and a 120-entry enrichment does not cost 120 writes.
 */
const PERSIST_EVERY_MS = 250;

type Counts = Pick<Progress, 'done' | 'total' | 'failed'>;

/**
 * One job's progress: events on the bus for every change (the CLI's bars, the page's SSE),
 * the job record updated now and then for readers that poll. Discovery and enrichment run
 * at the same time, so each phase has its own counts and ETA; the record shows the main
 * phase (discovery until it ends, then enrichment). Publishing never fails the job.
 */
export class JobProgress {
  private readonly started = new Map<IngestPhase, number>();
  private readonly latest = new Map<IngestPhase, Progress>();
  private main: IngestPhase = 'queued';
  private lastPersist = 0;
  /** Cancels the pending write of the record, when one is scheduled. */
  private cancelPersist: (() => void) | null = null;
  /** Bus publishes in order, so seq follows the order of the calls. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly jobId: string,
    private readonly deps: { bus: ProgressBus; jobs: Pick<JobRepository, 'updateProgress'>; clock: Clock; logger: Logger },
  ) {}

  /** The phase the job record reports from now on. */
  enter(phase: IngestPhase, counts?: Counts): void {
    this.main = phase;
    this.update(phase, counts ?? this.latest.get(phase) ?? { done: 0, total: 0, failed: 0 });
    this.persistNow();
  }

  update(phase: IngestPhase, counts: Counts): void {
    const now = this.deps.clock.now();
    if (!this.started.has(phase)) this.started.set(phase, now);
    const progress: Progress = { phase, ...counts, etaMs: eta(now - this.started.get(phase)!, counts) };
    this.latest.set(phase, progress);
    this.publish({ jobId: this.jobId, type: 'progress', progress });
    if (phase === this.main) this.persistSoon();
  }

  entries(phase: IngestPhase, ids: number[]): void {
    if (ids.length > 0) this.publish({ jobId: this.jobId, type: 'entries', phase, ids });
  }

  failure(failure: EntryFailure): void {
    this.publish({ jobId: this.jobId, type: 'failure', failure });
  }

  state(status: JobStatus, franchiseId: number | null): Promise<void> {
    this.publish({ jobId: this.jobId, type: 'state', status, franchiseId });
    return this.flush();
  }

  /** The main phase's latest progress. */
  current(): Progress {
    return this.latest.get(this.main) ?? { phase: this.main, done: 0, total: 0, failed: 0, etaMs: null };
  }

  /** Waits for queued publishes and writes the record once more. */
  async flush(): Promise<void> {
    if (this.cancelPersist) {
      this.cancelPersist();
      this.cancelPersist = null;
      this.persistNow();
    }
    await this.chain;
  }

  private publish(event: Parameters<ProgressBus['publish']>[0]): void {
    this.chain = this.chain.then(() =>
      this.deps.bus.publish(event).catch((error: unknown) => this.deps.logger.warn({ err: error, jobId: this.jobId }, 'publishing progress failed')),
    );
  }

  private persistSoon(): void {
    if (this.cancelPersist) return;
    const wait = Math.max(0, this.lastPersist + PERSIST_EVERY_MS - this.deps.clock.now());
    this.cancelPersist = runAfter(this.deps.clock, wait, () => {
      this.cancelPersist = null;
      this.persistNow();
    });
  }

  private persistNow(): void {
    this.lastPersist = this.deps.clock.now();
    const progress = this.current();
    this.chain = this.chain.then(() =>
      this.deps.jobs.updateProgress(this.jobId, progress).catch((error: unknown) => this.deps.logger.warn({ err: error, jobId: this.jobId }, 'storing progress failed')),
    );
  }
}

/** Time left if the rest goes at the pace so far; null before anything is done. */
function eta(elapsedMs: number, { done, total }: Counts): number | null {
  if (total > 0 && done >= total) return 0;
  if (done === 0) return null;
  return Math.round((elapsedMs / done) * (total - done));
}
