import { findActiveJob, findLatestFinishedJob, getJob, listJobs } from './queries/job-read-queries.ts';
import { claimJob, finishJob, heartbeatJob, requeueJob, updateJobProgress } from './queries/job-lease-queries.ts';
import { cancelJob, createJob, pruneJobs } from './queries/job-write-queries.ts';
import type { FinalJobStatus, Job, JobStatus, NewJob } from './job.ts';
import type { StoreContext } from './store-context.ts';

export { ACTIVE_JOB_STATUSES, FINAL_JOB_STATUSES, JOB_STATUSES, type FinalJobStatus, type Job, type JobKind, type JobStatus, type NewJob } from './job.ts';
export { JOB_LIST_LIMIT_MAX } from './queries/job-read-queries.ts';

export interface JobRepository {
  /** Queues a job, unless an active job has the same dedupe key: then that one comes back with created = false. */
  create(job: NewJob): Promise<{ job: Job; created: boolean }>;
  get(id: string): Promise<Job | undefined>;
  /** The oldest active job whose key is any of `dedupeKeys`. */
  findActive(dedupeKeys: readonly string[]): Promise<Job | undefined>;
  /** The job that finished last in one of `statuses` whose key is any of `dedupeKeys` (one query over the (dedupe_key, finished_at) index). */
  findLatestFinished(dedupeKeys: readonly string[], statuses: readonly FinalJobStatus[]): Promise<Job | undefined>;
  /**
   * Takes the oldest queued job, or a running one whose lease expired, for `workerId` for `leaseMs`.
   * With `id`, only that job (a queue that hands out ids itself, such as BullMQ, claims what it was given).
   */
  claim(workerId: string, leaseMs: number, id?: string): Promise<Job | undefined>;
  /** Extends the lease; false when the job is no longer this worker's (lease lost, finished, cancelled, requeued). */
  heartbeat(id: string, workerId: string, leaseMs: number): Promise<boolean>;
  /** Stores the progress of a running job; false once it is not running (finished or cancelled elsewhere). */
  updateProgress(id: string, progress: unknown): Promise<boolean>;
  /**
   * Stores how a job ended, only while it is running as `workerId`'s: undefined when it was
   * cancelled, taken over or requeued meanwhile (its state is no longer this worker's to write).
   */
  finish(id: string, workerId: string, status: FinalJobStatus, outcome?: { failures?: unknown[]; result?: unknown }): Promise<Job | undefined>;
  /**
   * Cancels a queued or running job (whoever runs it stops when it next looks at its
   * record). `cancelled` is false when the job had already ended: it comes back unchanged.
   */
  cancel(id: string): Promise<{ job: Job; cancelled: boolean } | undefined>;
  /**
   * Puts a job `workerId` is running back in the queue; undefined when it is unknown, not
   * running as this worker's (cancelled, finished, taken over) or another active job holds its key.
   */
  requeue(id: string, workerId: string): Promise<Job | undefined>;
  /** Newest first, or oldest first; `after` continues a listing in the same order from its last job. */
  list(filter?: { status?: JobStatus; limit?: number; oldestFirst?: boolean; after?: Pick<Job, 'id' | 'createdAt'> }): Promise<Job[]>;
  /** Deletes up to `limit` jobs that finished before `finishedBefore` (ms) and returns their ids. */
  prune(finishedBefore: number, limit: number): Promise<string[]>;
}

/** Each method is one named query in ./queries/, run on this context's handle. */
export function createJobRepository(ctx: StoreContext): JobRepository {
  return {
    create: (job) => createJob(ctx, job),
    get: (id) => getJob(ctx, id),
    findActive: (keys) => findActiveJob(ctx, keys),
    findLatestFinished: (keys, statuses) => findLatestFinishedJob(ctx, keys, statuses),
    claim: (workerId, leaseMs, id) => claimJob(ctx, workerId, leaseMs, id),
    heartbeat: (id, workerId, leaseMs) => heartbeatJob(ctx, id, workerId, leaseMs),
    updateProgress: (id, progress) => updateJobProgress(ctx, id, progress),
    finish: (id, workerId, status, outcome) => finishJob(ctx, id, workerId, status, outcome),
    cancel: (id) => cancelJob(ctx, id),
    requeue: (id, workerId) => requeueJob(ctx, id, workerId),
    list: (filter) => listJobs(ctx, filter),
    prune: (finishedBefore, limit) => pruneJobs(ctx, finishedBefore, limit),
  };
}
