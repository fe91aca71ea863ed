import type { FinalJobStatus, Job, NewJob } from '../store/job-repository.ts';

/** How a job ended, as its handler reports it; the queue stores it. */
export interface JobOutcome {
  status: FinalJobStatus;
  failures?: unknown[];
  result?: unknown;
}

export interface JobContext {
  /**
   * Aborts when the job is cancelled, its lease is lost to another worker, or the queue
   * closes; `signal.reason` is a JobInterruption saying which. The handler should stop at
   * its next safe point.
   */
  signal: AbortSignal;
  workerId: string;
}

export interface JobHandler {
  /** Does the work. A throw counts as `failed` with the error's message as the failure. */
  run(job: Job, context: JobContext): Promise<JobOutcome>;
  /** Called once the job's final state is stored (not when it was interrupted by a shutdown or a lost lease). */
  settled?(job: Job): void | Promise<void>;
}

/**
 * Where ingest jobs wait and which worker runs them. Jobs are persisted before enqueue
 * returns, so they survive restarts; a job whose worker died is taken over once its lease
 * expires. In-process by default; BullMQ on Redis when scaled out.
 */
export interface JobQueue {
  /** Persists a job, or returns the active one with the same dedupe key (created = false). */
  enqueue(job: NewJob): Promise<{ job: Job; created: boolean }>;
  /** Starts taking jobs, running up to the queue's concurrency at once. Once per queue. */
  start(handler: JobHandler): void;
  /**
   * Cancels a queued job at once, or asks a running one to stop (a job this process runs is
   * interrupted before anything is awaited, so none of its requests leaves after the call);
   * returns the job as stored after the request (a job this process runs stays `running`
   * until its handler stops), undefined when unknown. A finished job is returned unchanged.
   * `ended` is true when this call stored the job as cancelled: no handler will announce its end.
   */
  cancel(id: string): Promise<{ job: Job; ended: boolean } | undefined>;
  /**
   * Stops taking jobs; running ones are interrupted and put back in the queue at their last
   * safe point (or stored as finished when their work was done). A handler still running
   * after `graceMs` (default 5,000) is not waited for: its job is put back in the queue
   * as it stands. Later calls return the first call's promise.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** How long close() waits for interrupted handlers by default, ms (SHUTDOWN_GRACE_MS). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

/**
 * JobQueue.close as every queue keeps it: the first call starts `shutdown` with its grace
 * (default DEFAULT_SHUTDOWN_GRACE_MS); later calls return that call's promise.
 */
export function closeOnce(shutdown: (graceMs: number) => Promise<void>): JobQueue['close'] {
  let closing: Promise<void> | undefined;
  return (options = {}) => (closing ??= shutdown(options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS));
}

/** Resolves with true when `work` settles within `ms`, false when the time ran out first. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const, () => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

export type InterruptionReason = 'cancelled' | 'lease-lost' | 'shutdown';

/** The abort reason a handler sees. */
export class JobInterruption extends Error {
  override name = 'JobInterruption';
  constructor(readonly reason: InterruptionReason) {
    super(`job interrupted: ${reason}`);
  }
}
