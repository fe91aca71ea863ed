import { runEvery, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Job, JobRepository } from '../store/job-repository.ts';
import { JobInterruption, type JobHandler, type JobOutcome } from './job-queue.ts';

export interface ClaimedJobRunDeps {
  jobs: JobRepository;
  handler: JobHandler;
  workerId: string;
  /** The lease the job was claimed with, ms; renewed every third of it. */
  leaseMs: number;
  /**
   * How often the job record is read to notice a cancel or takeover by another process,
   * ms. Reads are cheap next to the heartbeat's write, so this is what bounds how long a
   * cancel from another process takes. Default: 1,000 or a third of the lease if shorter.
   */
  watchMs?: number;
  /** Times the heartbeat and the watch; the same clock the job records' leases are written on. */
  clock: Clock;
  logger: Logger;
}

/** How a run ended: stored with its outcome, put back in the queue (shutdown), or left to whoever holds the job now. */
export type ClaimedJobEnd = 'finished' | 'requeued' | 'left';

/**
 * Runs a job this worker claimed: heartbeats hold the lease, a watch on the record notices
 * a cancel or takeover elsewhere, and every write of the job's state is a compare-and-set
 * on "running as this worker's", so a cancel, a takeover or a requeue by someone else is
 * never overwritten. A shutdown puts the job back in the queue unless its work was done.
 * `controller` aborts the handler with a JobInterruption.
 */
export async function runClaimedJob(job: Job, controller: AbortController, deps: ClaimedJobRunDeps): Promise<ClaimedJobEnd> {
  const { jobs, handler, workerId, leaseMs } = deps;
  const log = deps.logger.child({ jobId: job.id, attempt: job.attempts });
  const interrupt = (reason: JobInterruption['reason']) => {
    if (!controller.signal.aborted) controller.abort(new JobInterruption(reason));
  };
  const stopHeartbeat = runEvery(deps.clock, Math.max(50, Math.floor(leaseMs / 3)), () => {
    jobs.heartbeat(job.id, workerId, leaseMs).then(
      (held) => held || interrupt('lease-lost'),
      (error: unknown) => log.warn({ err: error }, 'job heartbeat failed; retrying at the next beat'),
    );
  });
  const stopWatch = runEvery(deps.clock, deps.watchMs ?? Math.max(50, Math.min(1_000, Math.floor(leaseMs / 3))), () => {
    jobs.get(job.id).then(
      (stored) => {
        if (stored?.status === 'running' && stored.workerId === workerId) return;
        interrupt(stored?.status === 'cancelled' ? 'cancelled' : 'lease-lost');
      },
      (error: unknown) => log.warn({ err: error }, 'reading the job record failed; looking again soon'),
    );
  });
  let outcome: JobOutcome;
  try {
    outcome = await handler.run(job, { signal: controller.signal, workerId });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (controller.signal.aborted) outcome = { status: 'cancelled' };
    else {
      log.error({ err: error }, 'job failed');
      outcome = { status: 'failed', failures: [{ message }] };
    }
  } finally {
    stopHeartbeat();
    stopWatch();
  }
  const reason = controller.signal.aborted ? (controller.signal.reason as JobInterruption).reason : null;
  if (reason === 'lease-lost') {
    log.warn('job lease lost or the job was cancelled elsewhere; leaving its state to the current owner');
    return 'left';
  }
  // A handler reports `cancelled` only when the abort cut its work short; work that was
  // already done is stored as done, whatever interrupted it at the end.
  if (reason === 'shutdown' && outcome.status === 'cancelled') {
    if (await jobs.requeue(job.id, workerId)) {
      log.info('job put back in the queue for the next start');
      return 'requeued';
    }
    log.warn('job could not be put back in the queue: it was cancelled, finished or taken over meanwhile');
    return 'left';
  }
  const finished = await jobs.finish(job.id, workerId, outcome.status, { failures: outcome.failures, result: outcome.result });
  if (!finished) {
    log.warn({ status: outcome.status }, 'job state changed elsewhere (cancelled or taken over); its outcome is not stored');
    return 'left';
  }
  try {
    await handler.settled?.(finished);
  } catch (error) {
    log.warn({ err: error }, 'job settled hook failed');
  }
  return 'finished';
}

/**
 * After a shutdown's grace period: puts each job this worker still runs back in the queue,
 * so another worker takes it now rather than when its lease expires; the run's own late
 * writes then fail their compare-and-set on the record.
 */
export async function requeueOutlived(ids: Iterable<string>, graceMs: number, deps: Pick<ClaimedJobRunDeps, 'jobs' | 'workerId' | 'logger'>): Promise<void> {
  for (const id of ids) {
    const requeued = await deps.jobs.requeue(id, deps.workerId).catch((error: unknown) => {
      deps.logger.error({ err: error, jobId: id }, 'putting a job back in the queue failed; its lease will expire and another worker retries it');
      return undefined;
    });
    deps.logger.warn({ jobId: id, graceMs, requeued: requeued !== undefined }, 'job still running after the shutdown grace period; not waiting for it');
  }
}
