import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DelayedError, Queue, WaitingError, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { runAfter, systemClock, type Clock } from '../clock.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Job, JobRepository, NewJob } from '../store/job-repository.ts';
import { requeueOutlived, runClaimedJob, type ClaimedJobRunDeps } from './claimed-job-run.ts';
import { closeOnce, JobInterruption, settlesWithin, type JobHandler, type JobQueue } from './job-queue.ts';
import { checkRange } from '../check-range.ts';

export interface BullMqJobQueueOptions {
  /** Shared by the queue and its worker (BullMQ opens its own blocking connection beside it). Not closed by the queue. */
  connection: Redis;
  /** BullMQ's key prefix; keys are `<prefix>:ingest:*`. */
  prefix: string;
  /** Jobs run at once by this process. Default 4 (WORKER_CONCURRENCY), integer 1-64. */
  concurrency?: number;
  /**
   * How long a job stays its worker's without a heartbeat, ms: both the job record's lease
   * and BullMQ's lock. A dead worker's job runs again on another worker within about twice
   * this. Default 30,000 (JOB_LEASE_MS), range 300-3,600,000.
   */
  leaseMs?: number;
  /**
   * How often a worker looks in the job table for jobs BullMQ does not hold (lost between
   * the insert and the add, or after Redis lost its data) and hands them to BullMQ, ms.
   * Default: leaseMs. Range 100-3,600,000.
   */
  sweepMs?: number;
  /** Names this worker in job records. Default `<host>:<pid>:<random>`. */
  workerId?: string;
  /**
   * Leases, sweeps and re-checks run on it. Default the system clock; BullMQ keeps its own
   * timers on Date.now() (a delay handed to it is a time on that clock), so a queue on real
   * Redis needs a clock that agrees with it.
   */
  clock?: Clock;
  logger?: Logger;
}

const QUEUE_NAME = 'ingest';
/** A job whose record another worker holds is looked at again this long after that lease ends, ms. */
const RECHECK_MS = 50;
/** Jobs read from the table per page while sweeping. */
const SWEEP_PAGE = 500;

/**
 * The JobQueue when scaled out: BullMQ on Redis hands jobs to worker processes, the store's
 * job table stays the record (status, progress, dedupe, lease). The BullMQ job id is the
 * record's id, so a job is in BullMQ at most once however often it is added; a worker
 * claims the record it was handed before running it, so a job BullMQ hands out twice
 * (a stalled lock) still runs once at a time. BullMQ's stalled-job check brings back the
 * job of a worker that died; the sweep brings back any job BullMQ lost.
 */
export class BullMqJobQueue implements JobQueue {
  readonly workerId: string;
  readonly #jobs: JobRepository;
  readonly #connection: Redis;
  readonly #prefix: string;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #sweepMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #queue: Queue;
  #worker: Worker | null = null;
  /** What each claimed job runs with, the handler included; set by start(). */
  #runDeps: ClaimedJobRunDeps | null = null;
  /** Jobs this process is running, by id. */
  readonly #running = new Map<string, AbortController>();
  /** Claims run one at a time, so jobs BullMQ hands out together start in its (oldest first) order. */
  #claims: Promise<unknown> = Promise.resolve();
  /** Aborted when close() begins: cancels the scheduled sweep, and nothing new starts. */
  readonly #shutdown = new AbortController();
  get #closed(): boolean {
    return this.#shutdown.signal.aborted;
  }

  constructor(jobs: JobRepository, options: BullMqJobQueueOptions) {
    this.#jobs = jobs;
    this.#connection = options.connection;
    this.#prefix = options.prefix;
    this.#concurrency = checkRange('concurrency', options.concurrency ?? 4, 1, 64, true);
    this.#leaseMs = checkRange('leaseMs', options.leaseMs ?? 30_000, 300, 3_600_000);
    this.#sweepMs = checkRange('sweepMs', options.sweepMs ?? this.#leaseMs, 100, 3_600_000);
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#queue = new Queue(QUEUE_NAME, { connection: this.#connection, prefix: this.#prefix });
    this.#queue.on('error', (error) => this.#logger.warn({ err: error }, 'BullMQ queue error'));
  }

  async enqueue(job: NewJob): Promise<{ job: Job; created: boolean }> {
    if (this.#closed) throw new Error('job queue is closed');
    const result = await this.#jobs.create(job);
    // Added even when joined: if the creator died before adding, this add repairs it (a no-op otherwise).
    if (result.job.status === 'queued') await this.#add(result.job);
    return result;
  }

  start(handler: JobHandler): void {
    if (this.#closed) throw new Error('job queue is closed');
    if (this.#runDeps) throw new Error('job queue already started');
    this.#runDeps = { jobs: this.#jobs, handler, workerId: this.workerId, leaseMs: this.#leaseMs, clock: this.#clock, logger: this.#logger };
    this.#worker = new Worker(QUEUE_NAME, (job, token) => this.#process(job, token), {
      connection: this.#connection,
      prefix: this.#prefix,
      concurrency: this.#concurrency,
      lockDuration: this.#leaseMs,
      stalledInterval: Math.max(100, Math.floor(this.#leaseMs / 2)),
      // The job record decides whether a job is done, not BullMQ's count of stalls.
      maxStalledCount: 1_000,
    });
    this.#worker.on('error', (error) => this.#logger.warn({ err: error }, 'BullMQ worker error'));
    this.#sweepSoon(0);
  }

  async cancel(id: string): Promise<{ job: Job; ended: boolean } | undefined> {
    const local = this.#running.get(id);
    if (local) {
      local.abort(new JobInterruption('cancelled'));
      const job = await this.#jobs.get(id);
      return job && { job, ended: false };
    }
    // Running in another process: that worker's watch on the record stops it. Queued:
    // BullMQ drops it now (a worker handed it anyway finds it cancelled).
    const outcome = await this.#jobs.cancel(id);
    if (outcome?.cancelled) {
      await this.#queue.remove(id).catch((error: unknown) => {
        this.#logger.warn({ err: error, jobId: id }, 'removing a cancelled job from BullMQ failed; a worker handed it will find it cancelled');
      });
    }
    return outcome && { job: outcome.job, ended: outcome.cancelled };
  }

  readonly close = closeOnce((graceMs) => this.#close(graceMs));

  async #close(graceMs: number): Promise<void> {
    this.#shutdown.abort();
    // Closing first stops the worker taking more; the interrupted handlers put their jobs back.
    const closing = this.#worker?.close() ?? Promise.resolve();
    for (const controller of this.#running.values()) controller.abort(new JobInterruption('shutdown'));
    if (!(await settlesWithin(closing, graceMs))) {
      await requeueOutlived(this.#running.keys(), graceMs, { jobs: this.#jobs, workerId: this.workerId, logger: this.#logger });
      // BullMQ's close waits for its handlers and cannot be hurried once begun: the process
      // exits without it, and BullMQ's stalled check (or the sweep) hands the job out again.
    }
    await this.#queue.close();
  }

  async #add(job: Pick<Job, 'id' | 'kind' | 'dedupeKey'>): Promise<void> {
    await this.#queue.add(
      job.kind,
      { dedupeKey: job.dedupeKey },
      {
        jobId: job.id,
        removeOnComplete: true,
        removeOnFail: true,
        // A throw here is the store or Redis failing, not the job: try again later.
        attempts: 20,
        backoff: { type: 'exponential', delay: 1_000 },
      },
    );
  }

  async #process(bullJob: BullJob, token: string | undefined): Promise<void> {
    const id = bullJob.id!;
    if (this.#closed) {
      await bullJob.moveToWait(token);
      throw new WaitingError();
    }
    const claiming = this.#claims.then(() => this.#jobs.claim(this.workerId, this.#leaseMs, id));
    this.#claims = claiming.catch(() => undefined);
    const job = await claiming;
    if (!job) {
      const stored = await this.#jobs.get(id);
      if (stored?.status !== 'queued' && stored?.status !== 'running') return; // finished, cancelled or unknown: nothing to run
      // Another worker holds it (alive, or dead with its lease still running): look again when that lease ends.
      const now = this.#clock.now();
      const leaseLeft = Math.max(0, (stored.leaseUntil ?? 0) - now);
      await bullJob.moveToDelayed(now + leaseLeft + RECHECK_MS, token);
      throw new DelayedError();
    }
    if (this.#closed) {
      // Claimed while closing: too late to be interrupted with the others.
      await this.#jobs.requeue(id, this.workerId);
      await bullJob.moveToWait(token);
      throw new WaitingError();
    }
    const controller = new AbortController();
    this.#running.set(id, controller);
    try {
      const end = await runClaimedJob(job, controller, this.#runDeps!);
      if (end === 'requeued') {
        await bullJob.moveToWait(token);
        throw new WaitingError();
      }
    } finally {
      this.#running.delete(id);
    }
  }

  #sweepSoon(ms: number): void {
    runAfter(
      this.#clock,
      ms,
      () => {
        this.#sweep()
          .catch((error: unknown) => this.#logger.warn({ err: error }, 'job sweep failed; trying again at the next'))
          .finally(() => this.#sweepSoon(this.#sweepMs));
      },
      this.#shutdown.signal,
    );
  }

  /**
   * Hands BullMQ every queued job, oldest first, and every running one whose lease ran
   * out; adding a job it holds changes nothing. Pages through the whole table, so a
   * backlog of any size comes back.
   */
  async #sweep(): Promise<void> {
    for (const status of ['queued', 'running'] as const) {
      let after: Job | undefined;
      for (;;) {
        const page = await this.#jobs.list({ status, limit: SWEEP_PAGE, oldestFirst: true, after });
        const now = this.#clock.now();
        for (const job of page) {
          if (this.#closed) return;
          if (status === 'queued' || (job.leaseUntil !== null && job.leaseUntil < now)) await this.#add(job);
        }
        if (page.length < SWEEP_PAGE) break;
        after = page[page.length - 1];
      }
    }
  }
}
