import type { Logger } from '../log.ts';
import type { Job, JobRepository } from '../store/job-repository.ts';
import { JobInterruption, type JobHandler, type JobOutcome } from './job-queue.ts';

export interface ClaimedJobRunDeps {
  jobs: JobRepository;
  handler: JobHandler;
  workerId: string;
  /** The lease the job was claimed with, ms; renewed every third of it. */
  leaseMs: number;
  logger: Logger;
}

/** How a run ended: stored with its outcome, put back in the queue (shutdown), or left to whoever holds the job now. */
export type ClaimedJobEnd = 'finished' | 'requeued' | 'left';

/**
 * Runs a job this worker claimed: heartbeats hold the lease (and notice when it is lost),
 * the outcome is stored only while the job is still this worker's, and a shutdown puts the
 * job back in the queue. `controller` aborts the handler with a JobInterruption.
 */
export async function runClaimedJob(job: Job, controller: AbortController, deps: ClaimedJobRunDeps): Promise<ClaimedJobEnd> {
  const { jobs, handler, workerId, leaseMs } = deps;
  const log = deps.logger.child({ jobId: job.id, attempt: job.attempts });
  const heartbeat = setInterval(() => {
    jobs.heartbeat(job.id, workerId, leaseMs).then(
      (held) => {
        if (!held && !controller.signal.aborted) controller.abort(new JobInterruption('lease-lost'));
      },
      (error: unknown) => log.warn({ err: error }, 'job heartbeat failed; retrying at the next beat'),
    );
  }, Math.max(50, Math.floor(leaseMs / 3)));
  let outcome: JobOutcome;
  try {
    outcome = await handler.run(job, { signal: controller.signal, workerId });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!controller.signal.aborted) log.error({ err: error }, 'job failed');
    outcome = { status: 'failed', failures: [{ message }] };
  } finally {
    clearInterval(heartbeat);
  }
  const reason = controller.signal.aborted ? (controller.signal.reason as JobInterruption).reason : null;
  if (reason === 'shutdown') {
    await jobs.requeue(job.id);
    log.info('job put back in the queue for the next start');
    return 'requeued';
  }
  // Another worker took the job over (or it was cancelled elsewhere): its state is theirs to write.
  if (reason === 'lease-lost' || !(await jobs.heartbeat(job.id, workerId, leaseMs))) {
    log.warn('job lease lost; leaving its state to the current owner');
    return 'left';
  }
  const status = reason === 'cancelled' ? 'cancelled' : outcome.status;
  const finished = await jobs.finish(job.id, status, { failures: outcome.failures, result: outcome.result });
  if (finished) {
    try {
      await handler.settled?.(finished);
    } catch (error) {
      log.warn({ err: error }, 'job settled hook failed');
    }
  }
  return 'finished';
}
