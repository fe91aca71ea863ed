import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { runAfter, systemClock, type Clock } from '../clock.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Job, JobRepository, NewJob } from '../store/job-repository.ts';
import { requeueOutlived, runClaimedJob, type ClaimedJobRunDeps } from './claimed-job-run.ts';
import { closeOnce, JobInterruption, settlesWithin, type JobHandler, type JobQueue } from './job-queue.ts';
import { checkRange } from '../check-range.ts';

export interface InProcessJobQueueOptions {
  /** Jobs run at once by this process. Default 4 (WORKER_CONCURRENCY), integer 1-64. */
  concurrency?: number;
  /**
   * How long a claimed job stays this worker's without a heartbeat, in ms. A job whose
   * worker died is taken over this long after its last heartbeat, so it bounds how long a
   * crash delays a re-run. Heartbeats go out every third of it. Default 30,000, range 300-3,600,000.
   */
  leaseMs?: number;
  /**
   * How often to look for jobs this process was not told about (queued by another process,
   * or left by a dead worker), in ms. Enqueue in this process wakes the workers at once.
   * Default 1,000, range 10-600,000.
   */
  pollMs?: number;
  /** Names this worker in job records. Default `<host>:<pid>:<random>`. */
  workerId?: string;
  clock?: Clock;
  logger?: Logger;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/** The default JobQueue: jobs persisted in the store's job table, run by workers in this process. */
export class InProcessJobQueue implements JobQueue {
  readonly workerId: string;
  readonly #jobs: JobRepository;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** Jobs this process is running, by id. */
  readonly #running = new Map<string, Running>();
  /** What each claimed job runs with, the handler included; set by start(). */
  #runDeps: ClaimedJobRunDeps | null = null;
  /** Aborted when close() begins: cancels the scheduled poll, and nothing new starts. */
  readonly #shutdown = new AbortController();
  get #closed(): boolean {
    return this.#shutdown.signal.aborted;
  }
  /** A claim loop is under way; a wake-up meanwhile sets #wakeAgain instead of starting a second one. */
  #pumping = false;
  #wakeAgain = false;
  /** Cancels the next look at the job table, when one is scheduled. */
  #cancelPoll: (() => void) | null = null;

  constructor(jobs: JobRepository, options: InProcessJobQueueOptions = {}) {
    this.#jobs = jobs;
    this.#concurrency = checkRange('concurrency', options.concurrency ?? 4, 1, 64, true);
    this.#leaseMs = checkRange('leaseMs', options.leaseMs ?? 30_000, 300, 3_600_000);
    this.#pollMs = checkRange('pollMs', options.pollMs ?? 1_000, 10, 600_000);
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
  }

  async enqueue(job: NewJob): Promise<{ job: Job; created: boolean }> {
    if (this.#closed) throw new Error('job queue is closed');
    const result = await this.#jobs.create(job);
    this.#wake();
    return result;
  }

  start(handler: JobHandler): void {
    if (this.#closed) throw new Error('job queue is closed');
    if (this.#runDeps) throw new Error('job queue already started');
    this.#runDeps = { jobs: this.#jobs, handler, workerId: this.workerId, leaseMs: this.#leaseMs, clock: this.#clock, logger: this.#logger };
    this.#wake();
  }

  async cancel(id: string): Promise<{ job: Job; ended: boolean } | undefined> {
    const local = this.#running.get(id);
    if (local) {
      // Its handler stops at once (queued requests leave the gates, open ones are aborted)
      // and stores the end itself, with what was done.
      local.controller.abort(new JobInterruption('cancelled'));
      const job = await this.#jobs.get(id);
      return job && { job, ended: false };
    }
    // Queued, or running in another process: that worker's watch on the record stops it.
    // The caller announces the end (no handler here will).
    const outcome = await this.#jobs.cancel(id);
    return outcome && { job: outcome.job, ended: outcome.cancelled };
  }

  readonly close = closeOnce((graceMs) => this.#close(graceMs));

  async #close(graceMs: number): Promise<void> {
    this.#shutdown.abort();
    const running = [...this.#running.entries()];
    for (const [, { controller }] of running) controller.abort(new JobInterruption('shutdown'));
    if (await settlesWithin(Promise.all(running.map(([, r]) => r.done)), graceMs)) return;
    await requeueOutlived(this.#running.keys(), graceMs, { jobs: this.#jobs, workerId: this.workerId, logger: this.#logger });
  }

  /** Jobs running in this process now; lets tests and metrics see the concurrency. */
  get runningCount(): number {
    return this.#running.size;
  }

  #wake(): void {
    if (!this.#runDeps || this.#closed) return;
    if (this.#pumping) {
      this.#wakeAgain = true;
      return;
    }
    this.#pumping = true;
    void this.#pump().finally(() => {
      this.#pumping = false;
      if (this.#wakeAgain) {
        this.#wakeAgain = false;
        this.#wake();
      } else this.#schedulePoll();
    });
  }

  async #pump(): Promise<void> {
    while (!this.#closed && this.#running.size < this.#concurrency) {
      let job: Job | undefined;
      try {
        job = await this.#jobs.claim(this.workerId, this.#leaseMs);
      } catch (error) {
        // The database may be briefly unavailable; the next poll tries again.
        this.#logger.error({ err: error }, 'claiming a job failed');
        return;
      }
      if (!job) return;
      // Our own job, whose heartbeat came late (a stalled event loop): the claim just renewed
      // our lease, and the run already under way goes on; a second copy would do it all twice.
      if (this.#running.has(job.id)) continue;
      if (this.#closed) {
        await this.#jobs.requeue(job.id, this.workerId).catch((error: unknown) => {
          this.#logger.warn({ err: error, jobId: job.id }, 'putting a job claimed during shutdown back failed; its lease will expire and another worker retries it');
        });
        return;
      }
      this.#launch(job);
    }
  }

  #schedulePoll(): void {
    if (this.#closed || !this.#runDeps) return;
    this.#cancelPoll?.();
    // Keeps the process alive on purpose: a started queue is a worker, and a worker waits for work.
    this.#cancelPoll = runAfter(
      this.#clock,
      this.#pollMs,
      () => {
        this.#cancelPoll = null;
        this.#wake();
      },
      this.#shutdown.signal,
    );
  }

  #launch(job: Job): void {
    const controller = new AbortController();
    const entry: Running = { controller, done: Promise.resolve() };
    this.#running.set(job.id, entry);
    entry.done = this.#run(job, controller).finally(() => {
      this.#running.delete(job.id);
      this.#wake();
    });
  }

  async #run(job: Job, controller: AbortController): Promise<void> {
    try {
      await runClaimedJob(job, controller, this.#runDeps!);
    } catch (error) {
      this.#logger.error(
        { err: error, jobId: job.id },
        'storing the end of a job failed; its lease will expire and another worker retries it',
      );
    }
  }
}
